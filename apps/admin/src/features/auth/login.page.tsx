import { useId, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { loginBodySchema } from '@stilts/admin-contract';
import { callAdmin, errorMessage } from '../../api/admin-client';
import { safeNextPath, sessionQuery } from './session';

/**
 * Login with an admin token. The token is POSTed once; the server answers with an HttpOnly
 * SameSite=Strict cookie, so the token is never kept by the page (no storage).
 */
export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const tokenId = useId();
  const errorId = useId();

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const parsed = loginBodySchema.safeParse({ token: token.trim() });
    if (!parsed.success) {
      setError('Paste an admin token.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await callAdmin('login', { body: parsed.data });
      setToken('');
      client.setQueryData(sessionQuery.queryKey, session);
      await navigate(safeNextPath(params.get('next')), { replace: true });
    } catch (e) {
      setError(
        (e as { status?: number }).status === 401
          ? 'That token was not accepted: it may be wrong, revoked or expired.'
          : errorMessage(e),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="login__card" onSubmit={(e) => void submit(e)} noValidate>
        <h1 className="login__title">
          <span className="brand-mark" aria-hidden="true">
            ▮▮
          </span>{' '}
          Stilts
        </h1>
        <p className="muted">Sign in to the gateway dashboard with an admin token.</p>
        <label htmlFor={tokenId} className="field__label">
          Admin token
        </label>
        <input
          id={tokenId}
          name="token"
          type="password"
          className="input"
          autoComplete="off"
          spellCheck={false}
          placeholder="st-admin-…"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error ? errorId : undefined}
          autoFocus
        />
        {error && (
          <p id={errorId} className="field__error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button--primary login__submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          The first start prints an admin token and saves it as <code>STILTS_ADMIN_TOKEN</code> in{' '}
          <code>.stilts/credentials</code>.
        </p>
      </form>
    </main>
  );
}
