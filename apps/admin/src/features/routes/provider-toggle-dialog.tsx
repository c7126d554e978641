import { useState } from 'react';
import type { Provider } from '@stilts/admin-contract';
import { errorMessage } from '../../api/admin-client';
import { useAdminMutation } from '../../api/queries';
import { ModalDialog } from '../../components/modal-dialog';
import { useToast } from '../../components/toasts';

/** Confirms enabling or disabling a whole provider (every deployment of it). */
export function ProviderToggleDialog(props: { provider: Provider | null; onClose: () => void }) {
  const { provider } = props;
  const notify = useToast();
  const [error, setError] = useState<string | null>(null);
  const update = useAdminMutation(
    'updateProvider',
    ['listProviders', 'listWeights', 'listDeployments', 'listAudit'],
    {
      onSuccess: (p) => {
        notify('success', `Provider ${p.id} ${p.enabled ? 'enabled' : 'disabled'}.`);
        props.onClose();
      },
      onError: (e) => setError(errorMessage(e)),
    },
  );
  const enable = provider ? !provider.enabled : false;
  const close = (): void => {
    setError(null);
    props.onClose();
  };
  return (
    <ModalDialog
      open={provider !== null}
      title={enable ? 'Enable provider' : 'Disable provider'}
      onClose={close}
      busy={update.isPending}
      size="small"
      footer={
        <>
          <button type="button" className="button" onClick={close} disabled={update.isPending}>
            Cancel
          </button>
          <button
            type="button"
            className={`button ${enable ? 'button--primary' : 'button--danger'}`}
            disabled={update.isPending}
            onClick={() =>
              provider && update.mutate({ params: { id: provider.id }, body: { enabled: enable } })
            }
          >
            {enable ? 'Enable' : 'Disable'} {provider?.id}
          </button>
        </>
      }
    >
      <p>
        {enable
          ? `${provider?.id} and its deployments take traffic again (as their weights say).`
          : `Every deployment of ${provider?.id} stops receiving traffic on every route, until enabled again.`}
      </p>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </ModalDialog>
  );
}
