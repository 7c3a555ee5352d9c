import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// Landed migrations are append-only: a database that already ran one never
// runs it again, so editing it changes nothing there and something
// elsewhere. migrations/checksums.json records every landed migration
// (scripts/lock-migrations.js adds new ones when they land).
const migrationsDir = path.resolve(__dirname, '../../migrations');
const recorded: Record<string, string> = JSON.parse(
  fs.readFileSync(path.join(migrationsDir, 'checksums.json'), 'utf8'),
);

function sha256(file: string): string {
  return crypto
    .createHash('sha256')
    .update(fs.readFileSync(path.join(migrationsDir, file)))
    .digest('hex');
}

describe('landed migrations', () => {
  it('are recorded', () => {
    expect(Object.keys(recorded).length).toBeGreaterThan(0);
  });

  it.each(Object.entries(recorded))(
    '%s is unchanged (add a new migration instead of editing it)',
    (file, checksum) => {
      expect(fs.existsSync(path.join(migrationsDir, file))).toBe(true);
      expect(sha256(file)).toBe(checksum);
    },
  );
});
