import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { samplePdf } from '../support/sample-files.js';
import { consoleForTests, signInAs } from './browser.js';

const FILES_DIR = mkdtempSync(path.join(os.tmpdir(), 'kcsos-e2e-files-'));
const ctx = consoleForTests({ FILES_DIR });

afterAll(async () => {
  rmSync(FILES_DIR, { recursive: true, force: true });
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('documents (Chromium)', () => {
  it('support drops a signed consent PDF on a student; a supervisor sees it beside the consent fields and opens it', async () => {
    const pdf = samplePdf('Parental consent form: signed by the guardian');
    const student = (await ctx.db.pool.query(`SELECT id FROM student WHERE id NOT IN (SELECT entity_id FROM file_metadata WHERE entity_table = 'student') ORDER BY id LIMIT 1`)).rows[0];

    const support = await signInAs(ctx.browser, ctx.app.url, 'support');
    const { page } = support;
    await page.goto(`${ctx.app.url}/#/student/${student.id}/show`);
    await page.getByTestId('section-document-Parental Consent').getByText('none attached').waitFor();
    await page.getByRole('tab', { name: 'Documents' }).click();
    await page.getByText('No documents attached').waitFor();
    await expect(page.getByLabel('Document type').inputValue()).resolves.toBe('Parental Consent');
    // A real drag and drop: dragenter, dragover and drop events carrying the file.
    const transfer = await page.evaluateHandle((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'signed-consent.pdf', { type: 'application/pdf' }));
      return dt;
    }, pdf.toString('base64'));
    const zone = page.getByTestId('document-dropzone');
    for (const type of ['dragenter', 'dragover', 'drop']) await zone.dispatchEvent(type, { dataTransfer: transfer });
    await page.getByText('signed-consent.pdf attached').waitFor();
    await page.getByTestId('documents').getByRole('link', { name: 'signed-consent.pdf' }).waitFor();
    await support.shot('documents-1-support-uploaded');
    const row = (await ctx.db.pool.query(`SELECT * FROM file_metadata WHERE entity_table = 'student' AND entity_id = $1`, [student.id])).rows[0];
    expect(row).toMatchObject({ file_name: 'signed-consent.pdf', document_type: 'Parental Consent', mime_type: 'application/pdf', checksum: sha256(pdf) });
    expect(readFileSync(path.join(FILES_DIR, row.storage_path)).equals(pdf)).toBe(true);
    expect(support.errors).toEqual([]);
    await support.close();

    const supervisor = await signInAs(ctx.browser, ctx.app.url, 'supervisor');
    const s = supervisor.page;
    await s.goto(`${ctx.app.url}/#/student/${student.id}/show`);
    const consent = s.getByTestId('section-document-Parental Consent');
    await consent.getByText('signed-consent.pdf').waitFor();
    await consent.getByRole('button', { name: 'Preview signed-consent.pdf' }).click();
    const preview = s.getByTestId('document-preview');
    const frame = preview.locator('iframe[title="signed-consent.pdf"]');
    await frame.waitFor();
    // The preview shows the bytes the server sent, fetched with the supervisor's token.
    const src = await frame.getAttribute('src');
    expect(src).toMatch(/^blob:/);
    const shown = await s.evaluate(async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer()).reduce((t, c) => t + String.fromCharCode(c), ''), src!);
    expect(shown).toContain('Parental consent form: signed by the guardian');
    await s.waitForTimeout(1500); // lets the PDF viewer draw the page for the screenshot
    await supervisor.shot('documents-2-supervisor-preview');
    const [download] = await Promise.all([s.waitForEvent('download'), s.getByRole('dialog').getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe('signed-consent.pdf');
    expect(sha256(readFileSync(await download.path()))).toBe(sha256(pdf));
    expect(supervisor.errors).toEqual([]);
    await supervisor.close();
  }, 120_000);

  it('tells the user why a file is refused', async () => {
    const support = await signInAs(ctx.browser, ctx.app.url, 'support');
    const { page } = support;
    await page.goto(`${ctx.app.url}/#/student/2/show/documents`);
    await page.getByTestId('document-dropzone').waitFor();
    await page.getByLabel('Choose a file to attach').setInputFiles({ name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.from('plain text pretending to be a PDF') });
    await page.getByText('report.pdf: Only PDF, PNG, JPEG files are accepted (its content is not a recognised document or image)').waitFor();
    expect((await ctx.db.pool.query(`SELECT count(*)::int AS n FROM file_metadata WHERE file_name = 'report.pdf'`)).rows[0].n).toBe(0);
    await support.close();
  }, 60_000);

  it('offers no preview or download for a row that only describes a file (the seeded consents)', async () => {
    const seeded = (await ctx.db.pool.query(`SELECT entity_id FROM file_metadata WHERE entity_table = 'student' AND checksum IS NULL ORDER BY id LIMIT 1`)).rows[0];
    const s = await signInAs(ctx.browser, ctx.app.url, 'support');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/student/${seeded.entity_id}/show`);
    const consent = page.getByTestId('section-document-Parental Consent');
    await consent.getByText('no stored file (metadata only)').waitFor();
    expect(await consent.getByRole('button', { name: /^(Preview|Download) / }).count()).toBe(0);
    await s.close();
  }, 60_000);
});
