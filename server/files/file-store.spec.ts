import { describe, expect, it } from '@jest/globals';
import { isFileKey, newFileKey } from './file-store.js';
import { displayName } from './spool-upload.js';

describe('storage keys', () => {
  it('are chosen by the server: <table>/<id>/<uuid>', () => {
    const key = newFileKey('student', 42);
    expect(key).toMatch(/^student\/42\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(newFileKey('student', 42)).not.toBe(key);
  });

  it('refuse anything else, so a storage_path typed into a row is never opened', () => {
    for (const bad of ['../../etc/passwd', '/etc/passwd', 'student/1/../../x', 'seed/consent-1.pdf', 'https://example.com/a.pdf', 'student/1/NOT-A-UUID', '', null]) {
      expect(isFileKey(bad)).toBe(false);
    }
  });
});

describe('display names of uploads', () => {
  it.each([
    ['../../etc/passwd.pdf', 'passwd.pdf'],
    ['C:\\Users\\me\\consent.pdf', 'consent.pdf'],
    ['consent%22signed%22.pdf', 'consent"signed".pdf'],
    ['evil%0D%0Aheader.pdf', 'evilheader.pdf'],
    ['tab\there.pdf', 'tabhere.pdf'],
    ['..', 'document'],
    ['', 'document'],
    [undefined, 'document'],
  ])('%j -> %j', (raw, name) => {
    expect(displayName(raw)).toBe(name);
  });
});
