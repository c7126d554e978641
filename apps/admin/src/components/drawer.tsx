import { useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useFocusTrap } from './focus-trap';

/** A side panel for details (full width on phones): a modal dialog that slides in. */
export function Drawer(props: {
  open: boolean;
  title: string;
  subtitle?: ReactNode;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLElement>(null);
  const titleId = useId();
  useFocusTrap(ref, props.open, props.onClose);
  if (!props.open) return null;
  return createPortal(
    <div
      className="overlay overlay--drawer"
      onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}
    >
      <aside
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        className="drawer"
      >
        <header className="drawer__header">
          <div>
            <h2 id={titleId} className="drawer__title">
              {props.title}
            </h2>
            {props.subtitle && <div className="drawer__subtitle">{props.subtitle}</div>}
          </div>
          <button type="button" className="icon-button" aria-label="Close" onClick={props.onClose}>
            ×
          </button>
        </header>
        <div className="drawer__body">{props.children}</div>
      </aside>
    </div>,
    document.body,
  );
}
