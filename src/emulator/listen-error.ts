import { SvlError } from '../core/errors.js';

/** Why a server could not listen, as one line naming the fix (a busy port, an address not of this machine). */
export function listenError(err: NodeJS.ErrnoException, port: number, host: string): Error {
  if (err.code === 'EADDRINUSE') return new SvlError(`port ${port} is in use — pass --port <free port>`);
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    return new SvlError(`cannot listen on --host ${host} (${err.code}) — pass an address of this machine, e.g. --host 127.0.0.1 or --host 0.0.0.0`);
  }
  return err;
}
