import { useId, useState } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { callAdmin } from '../api/admin-client';
import { useSession } from '../features/auth/session';
import { Badge } from './ui';
import { useToast } from './toasts';

/** The sections of the dashboard, in the navigation's order. */
export const NAV_ITEMS: readonly { readonly to: string; readonly label: string }[] = [
  { to: '/', label: 'Overview' },
  { to: '/routes', label: 'Routes & providers' },
  { to: '/weights', label: 'Weights' },
  { to: '/budgets', label: 'Budgets' },
  { to: '/calls', label: 'Calls' },
  { to: '/keys', label: 'Keys' },
  { to: '/audit', label: 'Audit log' },
];

/**
 * The frame of every page: a sidebar navigation (a menu button on narrow screens), who is
 * logged in with which role, logout, and a skip link to the content.
 */
export function AppLayout() {
  const { session } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const navigate = useNavigate();
  const client = useQueryClient();
  const notify = useToast();
  const navId = useId();

  const logout = async (): Promise<void> => {
    try {
      await callAdmin('logout');
    } catch {
      // the session is gone either way
    }
    client.clear();
    notify('info', 'Signed out.');
    await navigate('/login', { replace: true });
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="icon-button topbar__menu"
          aria-expanded={menuOpen}
          aria-controls={navId}
          aria-label="Menu"
          onClick={() => setMenuOpen((open) => !open)}
        >
          ☰
        </button>
        <NavLink to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ▮▮
          </span>
          Stilts
        </NavLink>
        <div className="topbar__user">
          <span className="topbar__name" title={session.prefix}>
            {session.name}
          </span>
          <Badge tone={session.role === 'admin' ? 'info' : 'neutral'}>{session.role}</Badge>
          <button type="button" className="button button--ghost" onClick={() => void logout()}>
            Sign out
          </button>
        </div>
      </header>
      <nav
        id={navId}
        className={`sidenav${menuOpen ? ' sidenav--open' : ''}`}
        aria-label="Dashboard sections"
      >
        <ul>
          {NAV_ITEMS.map((item) => (
            <li key={item.to}>
              <NavLink
                to={item.to}
                end={item.to === '/'}
                onClick={() => setMenuOpen(false)}
                className={({ isActive }) => `sidenav__link${isActive ? ' active' : ''}`}
              >
                {item.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="page" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
