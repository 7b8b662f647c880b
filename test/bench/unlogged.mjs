// Benchmark only, preloaded into a second product process (`node --import`): the same server with
// the access log's writes skipped, so that `npm run bench` can measure what recording each read
// costs (README, "Record of access"). Not a setting of the product: nothing in server/ can turn the
// record of access off.
import { AccessLog } from '../../dist/server/audit/access-log.js';

AccessLog.prototype.record = () => Promise.resolve();
AccessLog.prototype.aroundRead = (_req, _caller, _resource, _action, _id, read) => read();
