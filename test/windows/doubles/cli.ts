// Runs the CLI from its TypeScript sources (through tsx), so the CLI tests of the emulated Windows backend need
// no build; the backend comes from EPHEMERAL_PORTS_BACKEND (cli-backend.ts).
import { run } from '../../../packages/ephemeral-ports/src/cli/main.js';

run();
