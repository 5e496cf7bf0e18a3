// Every default svl applies, defined once. Commands and capabilities read these names, never literals.

/** Lambda settings where svl.json and the flags are silent (timeout: ours, 10 s, not Lambda's 3 s). */
export const LAMBDA_DEFAULTS = { runtime: 'provided.al2023', arch: 'arm64', memory: 128, timeout: 10 } as const;

/** Instances `svl dev` runs at most per function. */
export const DEV_CONCURRENCY = 4;
/** `svl dev`'s one port (Invoke API and function URLs), like cargo-lambda's 9000. */
export const DEV_PORT = 9000;
export const DEV_HOST = '127.0.0.1';
/** Where an added function lives: `functions/<name>/`. */
export const FUNCTIONS_DIR = 'functions';
/** Region the emulator reports when nothing names one. */
export const LOCAL_REGION = 'us-east-1';
/** Lambda's placeholder account for local runs (the ARN shape is what matters to handlers). */
export const LOCAL_ACCOUNT_ID = '000000000000';
/** Bounded parallelism of `svl deploy` over many functions. */
export const DEPLOY_PARALLELISM = 4;
