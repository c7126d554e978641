import { EmptyState } from '../../components/states';
import { PageHeader, Panel } from '../../components/ui';
import { useSession } from '../auth/session';
import { AdminTokens } from './admin-tokens';
import { ApiKeysPanel, TeamsPanel } from './api-keys';

/** API keys and their teams (services), and admin tokens (this dashboard). */
export function KeysPage() {
  const { canWrite } = useSession();
  return (
    <>
      <PageHeader
        title="Keys"
        description="API keys that call the gateway, the teams they belong to, and admin tokens for this dashboard."
      />
      <ApiKeysPanel />
      <TeamsPanel />
      {canWrite ? (
        <AdminTokens />
      ) : (
        <Panel title="Admin tokens">
          <EmptyState title="Admins only">
            Listing and creating admin tokens needs the admin role.
          </EmptyState>
        </Panel>
      )}
    </>
  );
}
