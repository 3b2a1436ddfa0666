/**
 * Lab reports: upload a PDF (or a photo of one), wait for Terra to read it, and print the biomarkers.
 *
 *   TERRA_API_KEY=... TERRA_DEV_ID=... npx tsx examples/lab-reports.ts [report.pdf]
 *
 * Without a file it uploads a small generated PDF. Set TERRA_BASE_URL to run it against a local
 * server instead of Terra (CI does).
 */
import { createReadStream } from 'node:fs';
import { Terra, TerraWaitTimeoutError } from 'terra-sdk';

const terra = new Terra(); // TERRA_API_KEY, TERRA_DEV_ID (and TERRA_BASE_URL) from the environment

// 1. Upload: a stream, a Buffer, a Blob or a File all work; at most 20 MB. Terra answers 202.
const path = process.argv[2];
const file = path ? createReadStream(path) : generatedPdf();
const upload = await terra.labReports.upload(file, { referenceId: 'patient-456' });
const { upload_id: uploadId } = upload.getParsedResponse();
console.log(`Uploaded (${upload.status}): upload ${uploadId}`);

// 2. One upload can hold several reports, each a session (the lab_report.completed webhook names them too).
const { sessions } = (await terra.labReports.list({ uploadId })).getParsedResponse();
for (const session of sessions) {
  console.log(`Session ${session.session_id}: ${session.current_status}`);

  // 3. Wait until Terra is done with it: polls every 5 s (Terra's floor), at most 10 minutes here.
  try {
    const done = (await terra.labReports.waitForResult(session.session_id, { timeout: 600_000 })).getParsedResponse();
    console.log(`  ${done.current_status} after ${done.status_history?.map((entry) => entry.status).join(' → ')}`);
    console.log(
      `  ${done.lab_name ?? 'lab'}, report of ${done.report_date ?? 'an unknown date'}: ${done.results_count ?? 0} results`,
    );
    for (const result of done.results ?? []) {
      const { measurement, interpretation } = result;
      const value =
        measurement.type === 'numeric'
          ? measurement.numeric
          : measurement.type === 'bounded'
            ? `${measurement.bounded?.operator}${measurement.bounded?.value}`
            : measurement.type;
      console.log(
        `    ${result.biomarker.display_name ?? result.source.name}: ${value} ${measurement.units ?? ''} (${interpretation.flag ?? 'no flag'})`,
      );
    }
  } catch (error) {
    if (error instanceof TerraWaitTimeoutError) console.log(`  still ${error.lastStatus}: check again later`);
    else throw error;
  }

  // 4. Where the results went, and the uploaded file (signed links: download at once, never log them).
  const { deliveries } = (await terra.labReports.deliveries(session.session_id)).getParsedResponse();
  for (const delivery of deliveries) console.log(`  delivery to ${delivery.destination_type}: ${delivery.status}`);
  const { files, expires_at } = (await terra.labReports.files(session.session_id)).getParsedResponse();
  console.log(`  ${files.length} file(s), links valid until ${expires_at}`);
}

/** A small PDF, so the example runs without a file. */
function generatedPdf(): Uint8Array {
  const text = `%PDF-1.7\n% terra-sdk example lab report\n${'0'.repeat(2048)}\n%%EOF\n`;
  return new TextEncoder().encode(text);
}
