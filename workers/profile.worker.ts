import { serveProfile, type ProfileEndpoint } from './lib/data/profile/remote';

/** An import's profile beside its parser: started by the data worker for each import (remote.ts). */
serveProfile(self as unknown as ProfileEndpoint);
