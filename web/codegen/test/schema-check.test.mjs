// Tests of bin/schema-check on throwaway git repositories: each commits a
// schema from testdata/ and then a changed one, and asserts the verdict and
// the change GraphQL Inspector names. Run with `npm test` in web/codegen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../bin/schema-check', import.meta.url));
const fixture = (name) => readFileSync(new URL(`testdata/${name}.graphqls`, import.meta.url), 'utf8');

function git(dir, ...args) {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd: dir,
    encoding: 'utf8',
  });
}

// repo makes a git repository whose commits hold the given schemas in order.
function repo(t, ...schemas) {
  const dir = mkdtempSync(join(tmpdir(), 'schema-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  git(dir, 'init', '-q');
  for (const [i, name] of schemas.entries()) {
    writeFileSync(join(dir, 'schema.graphqls'), fixture(name));
    git(dir, 'add', 'schema.graphqls');
    git(dir, 'commit', '-q', '--allow-empty', '-m', `schema ${i}: ${name}`);
  }
  return dir;
}

function check(dir, ...args) {
  const r = spawnSync(script, args, { cwd: dir, encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

const cases = [
  { change: 'field-added', status: 0, says: 'Field updatedAt was added to object type Batch' },
  { change: 'enum-value-added', status: 0, says: 'Enum value FAILED was added to enum BatchStatus' },
  { change: 'field-deprecated', status: 0, says: 'Field Batch.title is deprecated' },
  { change: 'deprecated-field-removed', status: 0, says: 'Field legacyName (deprecated) was removed' },
  { change: 'field-removed', status: 1, says: 'Field title was removed from object type Batch' },
  { change: 'field-made-nullable', status: 1, says: 'Field Batch.title changed type from String! to String' },
  { change: 'enum-value-removed', status: 1, says: 'Enum value PROCESSING was removed from enum BatchStatus' },
  { change: 'required-argument-added', status: 1, says: 'Argument teacherId: ID! added to field Query.batch' },
];

for (const c of cases) {
  test(`${c.change} ${c.status ? 'fails' : 'passes'}`, (t) => {
    const { status, output } = check(repo(t, 'base', c.change));
    assert.equal(status, c.status, output);
    assert.ok(output.includes(c.says), output);
    assert.ok(output.includes(c.status ? 'Detected 1 breaking change' : 'No breaking changes detected'), output);
  });
}

test('an unchanged schema passes', (t) => {
  const { status, output } = check(repo(t, 'base', 'base'));
  assert.equal(status, 0, output);
  assert.match(output, /No changes detected/);
});

test('BASE reaches further back: removal after deprecation passes against HEAD~1, fails against the commit before', (t) => {
  // field-deprecated marks title deprecated; deprecated-title-removed then drops it.
  const dir = repo(t, 'base', 'field-deprecated', 'deprecated-title-removed');
  const previous = check(dir);
  assert.equal(previous.status, 0, previous.output);
  assert.match(previous.output, /Field title \(deprecated\) was removed/);
  const older = check(dir, 'HEAD~2');
  assert.equal(older.status, 1, older.output);
  assert.match(older.output, /Field title was removed from object type Batch/);
});

test('the first commit has nothing to compare against and passes', (t) => {
  const { status, output } = check(repo(t, 'field-removed'));
  assert.equal(status, 0, output);
  assert.match(output, /HEAD is the first commit/);
});

test('a shallow clone without the previous commit fails with the fix', (t) => {
  const full = repo(t, 'base', 'field-added');
  const shallow = mkdtempSync(join(tmpdir(), 'schema-check-shallow-'));
  t.after(() => rmSync(shallow, { recursive: true, force: true }));
  git(shallow, 'clone', '-q', '--depth', '1', `file://${full}`, '.');
  const { status, output } = check(shallow);
  assert.equal(status, 1, output);
  assert.match(output, /not in this shallow clone; fetch the history \(git fetch --unshallow\)/);
});

test('an unknown BASE is a usage error', (t) => {
  const { status, output } = check(repo(t, 'base', 'field-added'), 'no-such-ref');
  assert.equal(status, 2, output);
  assert.match(output, /no commit no-such-ref/);
});
