/**
 * Usage example: sign in, find a customer, read the whole Customer View and every part
 * of it, with full types. `npm run typecheck` (tsc --noEmit --strict) compiles it in CI;
 * `type-probes.ts` proves nothing on the view is `any` or `unknown`.
 */
import { ApiProblem, createFieldcrmClient, ok, type CustomerView, type Schemas } from "../src";

type Line = string;

/** Sign in and return the access token (send it as `Authorization: Bearer …`). */
export async function signIn(baseUrl: string, username: string, password: string): Promise<string> {
  const anonymous = createFieldcrmClient({ baseUrl });
  const token = await ok(anonymous.POST("/auth/login", { body: { username, password } }));
  const seconds: number = token.expiresIn; // sign in again (or refresh) before it runs out
  void seconds;
  return token.accessToken;
}

/** The first customer whose name, phone or email matches `search`, as one page of lines. */
export async function customerViewReport(
  baseUrl: string,
  username: string,
  password: string,
  search: string,
): Promise<Line[]> {
  const token = await signIn(baseUrl, username, password);
  const client = createFieldcrmClient({ baseUrl, accessToken: () => token });

  const page = await ok(client.GET("/customers", { params: { query: { q: search, limit: 10 } } }));
  const found = page.items[0];
  if (found === undefined) return [`no customer matches ${JSON.stringify(search)} (of ${page.total})`];

  const view = await ok(
    client.GET("/customers/{customerId}", { params: { path: { customerId: found.id } } }),
  );
  const messages = await ok(
    client.GET("/messages", { params: { query: { customerId: view.id, limit: 50 } } }),
  );
  return [...describe(view), ...messages.items.map(describeMessage)];
}

function describe(view: CustomerView): Line[] {
  const lines: Line[] = [
    `#${view.id} ${view.name} · ${view.phone ?? "no phone"} · ${view.email ?? "no email"}`,
    `${view.address ?? "no address"} · ${view.timeZone} · since ${view.createdAt}`,
    `notes: ${view.notes ?? "-"} · referral code ${view.referralCode}`,
    `prefers ${view.preferredContactMethod ?? "any channel"}, ` +
      `${view.communicationFrequencyPreference ?? "no frequency"}, in ${view.languagePreference}; ` +
      `marketing ${view.marketingConsent ? "yes" : "no"}`,
    ...Object.entries(view.preferredContactTimes ?? {}).map(
      ([day, windows]) => `  contact ${day}: ${windows.join(", ")}`,
    ),
    ...view.consent.map(
      (c) => `  consent ${c.channel}/${c.purpose}: ${c.allowed} since ${c.since ?? "-"} (${c.source ?? "-"})`,
    ),
    `referred by ${view.referredBy?.name ?? "nobody"}; technician ${view.preferredTechnician?.name ?? "any"}`,
    `referrals: ${view.referrals.map((r) => `${r.name} (#${r.id})`).join(", ") || "none"}`,
  ];
  const money = view.financialSummary;
  if (money !== null) {
    lines.push(`revenue ${money.revenue} ${money.currency}, expenses ${money.expenses}, net ${money.net}`);
    for (const other of money.otherCurrencies) lines.push(`  also ${other.net} ${other.currency}`);
    for (const method of money.byPaymentMethod) {
      lines.push(`  ${method.paymentMethod}: ${method.amount} ${method.currency} (${method.count})`);
    }
    for (const job of money.byJob) lines.push(`  job #${job.jobId}: net ${job.net} ${job.currency}`);
  }
  for (const job of view.jobs) {
    lines.push(
      `job #${job.id} ${job.status} ${job.scheduledFor}: ${job.description} ` +
        `by ${job.technician?.name ?? "unassigned"} (${job.technicianId ?? "-"}) ` +
        `appliance ${job.appliance ?? "-"} (${job.applianceId ?? "-"}) notes ${job.notes ?? "-"} ` +
        `started ${job.startedAt ?? "-"} done ${job.completionDate ?? "-"} ` +
        `cancelled ${job.cancelledAt ?? "-"} created ${job.createdAt}`,
    );
    for (const review of job.reviews ?? []) lines.push(`  ${describeReview(review)}`);
    for (const expense of job.expenses ?? []) lines.push(`  ${describeExpense(expense)}`);
  }
  lines.push(...view.reviews.map(describeReview), ...view.expenses.map(describeExpense));
  for (const payment of view.payments) {
    lines.push(
      `payment #${payment.id} ${payment.amount} ${payment.currency} ${payment.paymentMethod ?? "-"} ` +
        `ref ${payment.reference ?? "-"} job ${payment.jobId ?? "-"} paid ${payment.paidAt} (${payment.createdAt})`,
    );
  }
  for (const appliance of view.appliances) {
    lines.push(
      `appliance #${appliance.id} ${appliance.type} ${appliance.brand ?? ""} ${appliance.modelNumber ?? ""} ` +
        `serial ${appliance.serialNumber ?? "-"} installed ${appliance.installedOn ?? "-"} ` +
        `serviced ${appliance.lastServiceDate ?? "-"} job ${appliance.jobId ?? "-"} ` +
        `(${appliance.createdAt} / ${appliance.updatedAt})`,
    );
    for (const alert of view.maintenanceAlerts.filter((a) => a.applianceId === appliance.id)) {
      lines.push(
        `  alert #${alert.id} ${alert.status} due ${alert.dueDate} ` +
          `(${Math.round(alert.confidence * 100)}%): ${alert.reason} (${alert.createdAt} / ${alert.updatedAt})`,
      );
    }
  }
  for (const followUp of view.followUps) {
    lines.push(
      `follow-up #${followUp.id} ${followUp.status} job #${followUp.jobId} ` +
        `by ${followUp.technician?.name ?? "-"} on ${followUp.followUpDate ?? "-"} ` +
        `rating ${followUp.satisfactionRating ?? "-"} feedback ${followUp.feedback ?? "-"} ` +
        `suggestion ${followUp.suggestion ?? "-"} (${followUp.createdAt})`,
    );
  }
  for (const rating of view.customerTechnicianRatings) {
    lines.push(
      `rated ${rating.technician?.name ?? rating.technicianId} ${rating.rating}/5 ` +
        `for job #${rating.jobId} (#${rating.id}, ${rating.createdAt})`,
    );
  }
  for (const task of view.callTasks) {
    lines.push(`call task #${task.id} ${task.status} message ${task.messageId ?? "-"}: ${task.body} (${task.createdAt})`);
  }
  for (const [name, info] of Object.entries(view.collections)) {
    if (info.truncated) lines.push(`${name}: ${info.returned} of ${info.total} shown`);
  }
  return lines;
}

function describeReview(review: Schemas["ReviewItem"]): Line {
  return (
    `review #${review.id} ${review.rating}/5 of ${review.technician?.name ?? review.technicianId} ` +
    `job #${review.jobId}: ${review.comment ?? "-"} (${review.createdAt})`
  );
}

function describeExpense(expense: Schemas["ExpenseItem"]): Line {
  return (
    `expense #${expense.id} ${expense.amount} ${expense.currency} ${expense.category} ` +
    `${expense.description ?? ""} job ${expense.jobId ?? "-"} customer ${expense.customerId ?? "-"} ` +
    `on ${expense.incurredAt} (${expense.createdAt})`
  );
}

function describeMessage(message: Schemas["MessageOut"]): Line {
  return (
    `message #${message.id} ${message.status} ${message.channel}/${message.purpose} to ${message.recipient} ` +
    `at ${message.scheduledFor} (${message.language}, ${message.attempts} attempts, ` +
    `sent ${message.sentAt ?? "-"}, provider id ${message.providerMessageId ?? "-"}, ` +
    `error ${message.lastError ?? "-"}, follow-up ${message.followUpId ?? "-"}, job ${message.jobId ?? "-"}, ` +
    `customer ${message.customerId}, ${message.createdAt} / ${message.updatedAt}): ${message.body}`
  );
}

/** Acting on the view: send a suggested follow-up, record a payment; problems named by field. */
export async function act(baseUrl: string, token: string, view: CustomerView): Promise<Line[]> {
  const client = createFieldcrmClient({ baseUrl, accessToken: () => token });
  const lines: Line[] = [];
  const suggested = view.followUps.find((f) => f.status === "PENDING" && f.suggestion !== null);
  if (suggested !== undefined) {
    const sent = await ok(
      client.POST("/follow-ups/{followUpId}/send", {
        params: { path: { followUpId: suggested.id } },
        body: {},
      }),
    );
    lines.push(`follow-up #${sent.followUp.id} is ${sent.followUp.status} for ${sent.message.scheduledFor}`);
  }
  try {
    const payment = await ok(
      client.POST("/payments", { body: { customerId: view.id, amount: "125.50", paymentMethod: "CARD" } }),
    );
    lines.push(`recorded payment #${payment.id} of ${payment.amount} ${payment.currency}`);
  } catch (failure) {
    if (!(failure instanceof ApiProblem)) throw failure;
    const fields = failure.fieldErrors(); // e.g. { amount: "must have at most 2 decimals" }
    lines.push(`payment refused (${failure.problem.status}): ${JSON.stringify(fields)}`);
  }
  return lines;
}
