import { useToast } from './toasts';

/** Shows a secret the server returns once (a new token or API key), with a copy button. */
export function CreatedSecret(props: {
  what: string;
  name: string;
  secret: string;
  onDone: () => void;
}) {
  const notify = useToast();
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(props.secret);
      notify('success', `${props.what} copied.`);
    } catch {
      notify(
        'error',
        `Could not copy: select the ${props.what.toLowerCase()} and copy it by hand.`,
      );
    }
  };
  return (
    <div className="form">
      <p>
        This is the only time <strong>{props.name}</strong>&apos;s {props.what.toLowerCase()} is
        shown. Store it now.
      </p>
      <input
        className="input mono"
        readOnly
        value={props.secret}
        aria-label={`The new ${props.what.toLowerCase()}`}
        onFocus={(e) => e.target.select()}
        data-autofocus
      />
      <div className="form__actions">
        <button type="button" className="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="button button--primary" onClick={props.onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
