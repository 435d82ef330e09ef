import type { ActiveBackend, BackendChoice, EnvironmentReport } from './backends';
import type { ExpectedColumn, ParsedCsv, Table } from './tables';
import type { JobEvent, ModelArtifacts, PredictResult, Preprocessing, TrainCheckpoint, TrainConfig, TrainResult } from './training';

// ---- worker APIs (the page imports these as types only) ------------------------------------

export interface DataWorkerApi {
	parseCsv(file: ArrayBuffer, fileName: string, expected?: ExpectedColumn[], onProgress?: (fraction: number) => void): Promise<ParsedCsv>;
}

export interface MlWorkerApi {
	useBackend(choice: BackendChoice): Promise<ActiveBackend>;
	train(table: Table, config: TrainConfig, onEvent: (event: JobEvent) => void, resume?: TrainCheckpoint): Promise<TrainResult>;
	predict(model: ModelArtifacts, preprocessing: Preprocessing, table: Table): Promise<PredictResult>;
	probe(): Promise<EnvironmentReport>;
}
