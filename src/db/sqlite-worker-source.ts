/**
 * The text of a worker thread that holds a better-sqlite3 connection of its own to `workerData.file`
 * (the driver is `workerData.driver`, resolved by the caller), closes it on the message `'close'`
 * and hands every other message to `handle`, JavaScript with `db`, `message` and `parentPort` in
 * scope (`setup` runs once, after the connection is open). CommonJS text, so it runs the same from
 * `src` (tests) and `dist`.
 */
export function sqliteWorkerSource(options: { readonly readonly: boolean; readonly setup?: string }, handle: string): string {
  return `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: ${options.readonly}, fileMustExist: true });
db.pragma('busy_timeout = 5000');
${options.setup ?? ''}
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
${handle}
});
`;
}
