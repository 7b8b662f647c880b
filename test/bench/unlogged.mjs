// Benchmark only, preloaded into a second product process (`node --import`): the same server with
// the access log's writes skipped, so that `npm run bench` can measure what recording each read
// costs (README, "Record of access"). Not a setting of the product: nothing in server/ can turn the
// record of access off.
import { AccessLog } from '../../dist/server/audit/access-log.js';

AccessLog.prototype.record = () => Promise.resolve();
// A show that carries its session check and access record in one statement keeps its one statement,
// without the record's CTE: only the access log's write is skipped.
AccessLog.prototype.aroundRead = function (_req, _caller, _resource, _action, _id, read, readWith) {
  return readWith ? readWith(this.pool, () => ({})) : read();
};
