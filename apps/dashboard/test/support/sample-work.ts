/** Realistic agent output for the e2e run and its screenshots. */
export const sampleDiff = `diff --git a/src/billing/invoice.ts b/src/billing/invoice.ts
index 3a1925c..6de8f77 100644
--- a/src/billing/invoice.ts
+++ b/src/billing/invoice.ts
@@ -12,9 +12,12 @@ export interface Invoice {
 export function totalOf(invoice: Invoice): number {
-  return invoice.lines.reduce((sum, line) => sum + line.amount, 0);
+  const subtotal = invoice.lines.reduce((sum, line) => sum + line.amount, 0);
+  const discount = invoice.coupon ? subtotal * invoice.coupon.percent / 100 : 0;
+  return round2(subtotal - discount);
 }
 
-export const round2 = (n: number) => Math.round(n * 100) / 100;
+/** Banker's rounding would surprise customers: round half up, to cents. */
+export const round2 = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100;
diff --git a/src/billing/invoice.test.ts b/src/billing/invoice.test.ts
new file mode 100644
--- /dev/null
+++ b/src/billing/invoice.test.ts
@@ -0,0 +1,6 @@
+import { totalOf } from "./invoice";
+
+test("a 10% coupon", () => {
+  const invoice = { lines: [{ amount: 40 }, { amount: 60 }], coupon: { percent: 10 } };
+  expect(totalOf(invoice)).toBe(90);
+});
`;

export const sampleSteps = [
  "Reading the repository: **142 files**, TypeScript + Vitest.",
  "Found the bug: coupons were never applied in `totalOf`.\n\n```ts\nconst discount = invoice.coupon ? subtotal * invoice.coupon.percent / 100 : 0;\n```",
  "Tests pass locally:\n\n- `invoice.test.ts` ✓ 1 new\n- 214 others ✓",
];

export const optionsQuestion =
  "The fix is ready. Where should I deploy it?\n[OPTIONS]\n1. Staging\n2. Production\n3. Nowhere yet\n[/OPTIONS]";
