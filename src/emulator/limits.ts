// Lambda quotas and prices the emulator reproduces.
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html

/** Synchronous invocation request payload limit (InvokeFunction rejects larger requests). */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
/** Synchronous response payload limit as the Runtime API enforces it (Lambda's own figure). */
export const MAX_RESPONSE_BYTES = 6_291_556;
/**
 * Streamed response limit (InvokeWithResponseStream, RESPONSE_STREAM function URLs): "up to 200 MB"
 * since July 2025 (20 MB before), read here as MiB like the buffered figure.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html
 */
export const MAX_STREAMED_RESPONSE_BYTES = 200 * 1024 * 1024;
/** How long a runtime may take to reach its first /next before Lambda gives up on init. */
export const INIT_TIMEOUT_MS = 10_000;

/**
 * us-east-1 on-demand prices, first tier, from the AWS Lambda pricing page (price list of
 * 2025-01-01). The REPORT line's cost is an estimate for comparing builds, not a bill.
 */
export const PRICE_PER_GB_SECOND = { x86_64: 0.0000166667, arm64: 0.0000133334 } as const;
export const PRICE_PER_REQUEST = 0.2 / 1_000_000;
