#!/usr/bin/env node
// Records the SHA-256 of every migration of the backend plugin that is not
// yet in migrations/checksums.json. Run it when migrations land on main; the
// test src/database/migrationChecksums.test.ts then fails whenever a recorded
// (landed) migration is edited or removed — add a new migration instead.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const dir = path.resolve(
  __dirname,
  '../plugins/release-coordinator-backend/migrations',
);
const lockFile = path.join(dir, 'checksums.json');
const locked = fs.existsSync(lockFile)
  ? JSON.parse(fs.readFileSync(lockFile, 'utf8'))
  : {};
let added = 0;
for (const file of fs
  .readdirSync(dir)
  .filter(f => f.endsWith('.js'))
  .sort()) {
  if (locked[file]) continue;
  locked[file] = crypto
    .createHash('sha256')
    .update(fs.readFileSync(path.join(dir, file)))
    .digest('hex');
  added++;
}
const sorted = Object.fromEntries(
  Object.keys(locked)
    .sort()
    .map(k => [k, locked[k]]),
);
fs.writeFileSync(lockFile, `${JSON.stringify(sorted, null, 2)}\n`);
console.log(
  `${added} migration(s) recorded in ${path.relative(process.cwd(), lockFile)}`,
);
