import { CreateCatalog1795494498033 } from './1795494498033-CreateCatalog.js';
import { CreateCallLedger1795494512000 } from './1795494512000-CreateCallLedger.js';
import { CreateWeights1795497316484 } from './1795497316484-CreateWeights.js';
import { CreateKeysAndBudgets1795498884438 } from './1795498884438-CreateKeysAndBudgets.js';
import { CreateAdminAuth1795499179000 } from './1795499179000-CreateAdminAuth.js';
import { CreateAdminReadModels1795499179001 } from './1795499179001-CreateAdminReadModels.js';
import { TuneRollupsForUpdates1795504868670 } from './1795504868670-TuneRollupsForUpdates.js';
import { CreateDeploymentRollups1795505646994 } from './1795505646994-CreateDeploymentRollups.js';

/**
 * Every migration, oldest first. TypeORM orders by the timestamp at the end of each class name;
 * keeping this list in the same order makes a review of a new migration's place obvious.
 */
export const migrations = [
  CreateCatalog1795494498033,
  CreateCallLedger1795494512000,
  CreateWeights1795497316484,
  CreateKeysAndBudgets1795498884438,
  CreateAdminAuth1795499179000,
  CreateAdminReadModels1795499179001,
  TuneRollupsForUpdates1795504868670,
  CreateDeploymentRollups1795505646994,
];
