import { useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useFocusTrap } from './focus-trap';

/**
 * A modal dialog: `role="dialog"`, `aria-modal`, labelled by its title; focus is trapped inside
 * while open and returns to the opener on close; Escape and the backdrop close it.
 */
export function ModalDialog(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  /** Disables Escape / backdrop closing while something is being saved. */
  busy?: boolean;
  size?: 'small' | 'medium';
}) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const close = (): void => {
    if (!props.busy) props.onClose();
  };
  useFocusTrap(ref, props.open, close);
  if (!props.open) return null;
  return createPortal(
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        className={`modal modal--${props.size ?? 'medium'}`}
      >
        <header className="modal__header">
          <h2 id={titleId} className="modal__title">
            {props.title}
          </h2>
          <button
            type="button"
            className="icon-button"
            aria-label="Close"
            onClick={close}
            disabled={props.busy}
          >
            ×
          </button>
        </header>
        <div className="modal__body">{props.children}</div>
        {props.footer && <footer className="modal__footer">{props.footer}</footer>}
      </div>
    </div>,
    document.body,
  );
}
