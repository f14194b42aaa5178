/**
 * Saves text the API returned (the invoice's CSV or its printable HTML) as a file: a blob
 * URL with the download attribute, so nothing is rendered under the console's origin and
 * no inline script or style has to be allowed by its Content-Security-Policy.
 */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has been handled: the download has its own copy by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
