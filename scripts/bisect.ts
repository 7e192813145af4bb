/**
 * make bisect PANTAVISOR_SRC=DIR GOOD=<rev> BAD=<rev> ONLY=<test> [PV_SOURCES=DIR]
 * git bisect over a private clone of DIR (git clone --shared --no-checkout into a temporary
 * directory: the user's checkout, its HEAD, index and refs are only read), each step built with
 * the dev build (dev/build-image.sh, DEV_TAG_LATEST=0: image <DEV_IMAGE>:<commit>, :latest and
 * dev/out/preset.env untouched) and Test ONLY run on that image (TARGET=dev IMAGE=...:<commit>).
 * A step that does not build, boot or run is `git bisect skip` and shown as SKIPPED. GOOD and BAD
 * in either order: BAD older asks which commit fixed it (the first where the test passes).
 * The GOOD end runs first (it must pass; its checks are what the answer is compared with).
 * Reports: REPORT_DIR/<stamp>-bisect-<test>/NN-<commit>/ per step, and bisect.json + bisect.txt.
 * Exit: 0 found; 1 the GOOD end does not pass; 2 bad input (nothing started); 3 environment, or
 * only skipped commits left (the candidates named); 130/143 interrupted (the clone removed).
 * The engine: lib/run/bisect.ts (its git side lib/run/bisect-git.ts, its pure parts lib/bisect.ts).
 */
import { isMain, main } from '../lib/run/cli.ts';
import { bisectInput, runBisect } from '../lib/run/bisect.ts';

if (isMain(import.meta.url)) {
  await main(async () => runBisect(bisectInput(process.env)));
}
