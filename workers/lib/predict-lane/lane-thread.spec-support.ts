import { parentPort, workerData } from 'node:worker_threads';
import { laneModel, type LanePackage } from './lane-model';
import { laneView } from './layout';
import { serveLane } from './serve';

// The lane worker's body in a Node worker thread (bundled by lane.spec.ts): fed once, then serveLane until CLOSED.
const { buffer, pkg, spinMs } = workerData as { buffer: SharedArrayBuffer; pkg: LanePackage; spinMs: number };
const model = laneModel(pkg);
parentPort!.postMessage({ columns: model.columns });
serveLane(laneView(buffer), model, { spinMs, now: () => performance.now() });
parentPort!.postMessage({ closed: true });
