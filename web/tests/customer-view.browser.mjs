// Drives the reference page in Debian's Chromium (playwright-core, no browser download):
// sign in, search, open the Customer View, check every part is on screen, send the
// suggested follow-up and see it SCHEDULED, record a payment (a bad one first: the field
// is named). Screenshots go to OUT_DIR. Started by tests/browser/test_customer_view_page.py,
// which seeds the shop and starts `fieldcrm serve`; run by hand with the same variables.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { chromium } from "playwright-core";

const need = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
};
const baseUrl = need("FIELDCRM_URL");
const username = need("FIELDCRM_USERNAME");
const password = need("FIELDCRM_PASSWORD");
const customer = need("FIELDCRM_CUSTOMER"); // the seeded customer's name
const expect = JSON.parse(need("FIELDCRM_EXPECT")); // texts each section must show
const outDir = process.env.OUT_DIR ?? "test-results";
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
mkdirSync(outDir, { recursive: true });

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
const shots = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
  const failures = [];
  page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // The browser logs every 4xx answer ("Failed to load resource"); the page shows those.
    const text = message.text();
    if (message.type() === "error" && !text.startsWith("Failed to load resource")) {
      failures.push(`console error: ${text}`);
    }
  });
  const shot = async (name) => {
    const path = join(outDir, `${shots.length + 1}-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    shots.push(path);
  };

  await page.goto(`${baseUrl}/app/`);
  const signIn = page.getByTestId("sign-in");
  await signIn.locator("input[name=password]").fill("not the password");
  await signIn.locator("input[name=username]").fill(username);
  await signIn.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("problem").waitFor();
  await shot("wrong-password");
  await signIn.locator("input[name=password]").fill(password);
  await signIn.getByRole("button", { name: "Sign in" }).click();

  const search = page.getByTestId("search");
  await search.locator("input[name=q]").fill(customer.split(" ")[0]);
  await search.getByRole("button", { name: "Search" }).click();
  await search.getByRole("button", { name: customer }).click();
  const view = page.getByTestId("customer-view");
  await view.waitFor();
  for (const [section, texts] of Object.entries(expect)) {
    const shown = await page.getByTestId(section).innerText();
    for (const text of texts) assert.ok(shown.includes(text), `${section} lacks ${text}: ${shown}`);
  }
  await shot("customer-view");

  const suggestion = page
    .getByTestId("follow-ups")
    .locator(".item", { has: page.getByRole("button", { name: "Send suggestion" }) })
    .first();
  const followUpId = await suggestion.getAttribute("data-follow-up");
  await suggestion.getByRole("button", { name: "Send suggestion" }).click();
  await page.getByTestId("notice").filter({ hasText: "SCHEDULED" }).waitFor();
  const sent = page.locator(`[data-follow-up="${followUpId}"]`);
  assert.equal((await sent.locator(".status").innerText()).trim(), "SCHEDULED");
  assert.equal(await sent.getByRole("button", { name: "Send suggestion" }).count(), 0);
  await shot("suggestion-scheduled");

  const form = page.getByTestId("record-payment");
  await form.locator("input[name=amount]").fill("12.345");
  await form.getByRole("button", { name: "Record payment" }).click();
  await page.getByTestId("view-problem").filter({ hasText: "amount" }).waitFor();
  await shot("payment-refused");
  await form.locator("input[name=amount]").fill("42.00");
  await form.locator("select[name=paymentMethod]").selectOption("CASH");
  await form.getByRole("button", { name: "Record payment" }).click();
  await page.getByTestId("notice").filter({ hasText: "recorded" }).waitFor();
  await page.getByTestId("payments").filter({ hasText: "42.00 USD · CASH" }).waitFor();
  await shot("payment-recorded");

  assert.deepEqual(failures, [], failures.join("\n"));
  console.log(JSON.stringify({ followUpId: Number(followUpId), screenshots: shots }));
} finally {
  await browser.close();
}
