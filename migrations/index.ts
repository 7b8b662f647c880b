import { Migration20261125000000Init } from './Migration20261125000000Init.js';
import { Migration20261125010000Auth } from './Migration20261125010000Auth.js';
import { Migration20261125020000EmailCase } from './Migration20261125020000EmailCase.js';
import { Migration20261125030000Search } from './Migration20261125030000Search.js';
import { Migration20261125040000ClaimListIndex } from './Migration20261125040000ClaimListIndex.js';
import { Migration20261125050000AuditPartitions } from './Migration20261125050000AuditPartitions.js';
import { Migration20261125060000PermissionNotify } from './Migration20261125060000PermissionNotify.js';
import { Migration20261125070000RecentWrite } from './Migration20261125070000RecentWrite.js';
import { Migration20261125152023SavedView } from './Migration20261125152023SavedView.js';
import { Migration20261125190000KeepPermissionManage } from './Migration20261125190000KeepPermissionManage.js';
import { Migration20261201100000ListIndexes } from './Migration20261201100000ListIndexes.js';
import { Migration20261201300000AccessLogAndSeals } from './Migration20261201300000AccessLogAndSeals.js';
import { Migration20261201200000EndSessionsOnDeactivation } from './Migration20261201200000EndSessionsOnDeactivation.js';
import { Migration20261201210000Mfa } from './Migration20261201210000Mfa.js';
import { Migration20261201220000SessionIdle } from './Migration20261201220000SessionIdle.js';
import { Migration20261201230000ApiKey } from './Migration20261201230000ApiKey.js';
import { Migration20261201250000KeysFollowTheirCreator } from './Migration20261201250000KeysFollowTheirCreator.js';
import { Migration20261201260000OidcNames } from './Migration20261201260000OidcNames.js';
import { Migration20261201240000OidcLogin } from './Migration20261201240000OidcLogin.js';
import { Migration20261201400000AsOfIndexes } from './Migration20261201400000AsOfIndexes.js';
import { Migration20261202000000SeededRoles } from './Migration20261202000000SeededRoles.js';
import { Migration20261202000000AuthEvents } from './Migration20261202000000AuthEvents.js';
import { Migration20261202100000ArchivesAndCheckpoints } from './Migration20261202100000ArchivesAndCheckpoints.js';
import { Migration20261202000000FigureIndexes } from './Migration20261202000000FigureIndexes.js';
import { Migration20261202010000SearchIndexes } from './Migration20261202010000SearchIndexes.js';
import { Migration20261202200000CheckpointEveryChain } from './Migration20261202200000CheckpointEveryChain.js';

// Migrations are listed here (not discovered by glob) so the compiled server and the tests run
// exactly the same list. Add a new file's class at the end.
export const migrationsList: { name: string; class: new (...args: any[]) => any }[] = [
  { name: 'Migration20261125000000Init', class: Migration20261125000000Init },
  { name: 'Migration20261125010000Auth', class: Migration20261125010000Auth },
  { name: 'Migration20261125020000EmailCase', class: Migration20261125020000EmailCase },
  { name: 'Migration20261125030000Search', class: Migration20261125030000Search },
  { name: 'Migration20261125040000ClaimListIndex', class: Migration20261125040000ClaimListIndex },
  { name: 'Migration20261125050000AuditPartitions', class: Migration20261125050000AuditPartitions },
  { name: 'Migration20261125060000PermissionNotify', class: Migration20261125060000PermissionNotify },
  { name: 'Migration20261125070000RecentWrite', class: Migration20261125070000RecentWrite },
  { name: 'Migration20261125152023SavedView', class: Migration20261125152023SavedView },
  { name: 'Migration20261125190000KeepPermissionManage', class: Migration20261125190000KeepPermissionManage },
  { name: 'Migration20261201100000ListIndexes', class: Migration20261201100000ListIndexes },
  { name: 'Migration20261201200000EndSessionsOnDeactivation', class: Migration20261201200000EndSessionsOnDeactivation },
  { name: 'Migration20261201210000Mfa', class: Migration20261201210000Mfa },
  { name: 'Migration20261201220000SessionIdle', class: Migration20261201220000SessionIdle },
  { name: 'Migration20261201230000ApiKey', class: Migration20261201230000ApiKey },
  { name: 'Migration20261201240000OidcLogin', class: Migration20261201240000OidcLogin },
  { name: 'Migration20261201250000KeysFollowTheirCreator', class: Migration20261201250000KeysFollowTheirCreator },
  { name: 'Migration20261201260000OidcNames', class: Migration20261201260000OidcNames },
  { name: 'Migration20261201300000AccessLogAndSeals', class: Migration20261201300000AccessLogAndSeals },
  { name: 'Migration20261201400000AsOfIndexes', class: Migration20261201400000AsOfIndexes },
  { name: 'Migration20261202000000SeededRoles', class: Migration20261202000000SeededRoles },
  { name: 'Migration20261202000000AuthEvents', class: Migration20261202000000AuthEvents },
  { name: 'Migration20261202100000ArchivesAndCheckpoints', class: Migration20261202100000ArchivesAndCheckpoints },
  { name: 'Migration20261202000000FigureIndexes', class: Migration20261202000000FigureIndexes },
  { name: 'Migration20261202010000SearchIndexes', class: Migration20261202010000SearchIndexes },
  { name: 'Migration20261202200000CheckpointEveryChain', class: Migration20261202200000CheckpointEveryChain },
];
