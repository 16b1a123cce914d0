/**
 * Compile-time proof that the Customer View is fully typed: no `any` and no `unknown`
 * anywhere inside it, however deep (`tsc --noEmit --strict` fails otherwise). The
 * `@ts-expect-error` lines prove the detector itself catches both.
 */
import type { Body, CustomerView, FieldcrmClient, Schemas } from "../src";

type IsAny<T> = 0 extends 1 & T ? true : false;
type IsUnknown<T> = IsAny<T> extends true ? false : unknown extends T ? true : false;

/** `true` when `any` or `unknown` appears anywhere in T (properties, items, records). */
type HasLoose<T> =
  IsAny<T> extends true
    ? true
    : IsUnknown<T> extends true
      ? true
      : T extends readonly (infer Item)[]
        ? HasLoose<Item>
        : T extends object
          ? true extends { [K in keyof T]-?: HasLoose<T[K]> }[keyof T]
            ? true
            : false
          : false;

type Strict<T extends false> = T;

/** The Customer View schema, and what `GET /customers/{id}` answers, are fully typed. */
export type CustomerViewIsFullyTyped = Strict<HasLoose<CustomerView>>;
/** What the client's `GET /customers/{customerId}` answers, inferred from the call. */
export function readView(client: FieldcrmClient) {
  return client.GET("/customers/{customerId}", { params: { path: { customerId: 1 } } });
}
type ViewAnswer = Body<Awaited<ReturnType<typeof readView>>>;
export type CustomerViewAnswerIsFullyTyped = Strict<HasLoose<ViewAnswer>>;
export type CustomerViewAnswerIsTheView = Strict<
  [ViewAnswer] extends [CustomerView] ? ([CustomerView] extends [ViewAnswer] ? false : true) : true
>;
export type ActingIsFullyTyped = Strict<
  HasLoose<Schemas["FollowUpSentOut"] | Schemas["PaymentOut"] | Schemas["MessagePage"]>
>;

// The detector finds `any` and `unknown`, at any depth:
// @ts-expect-error an `any` deep inside is caught
export type CatchesAny = Strict<HasLoose<{ a: { b: { c: any }[] } }>>;
// @ts-expect-error an `unknown` in a record is caught
export type CatchesUnknown = Strict<HasLoose<{ a: Record<string, unknown> }>>;
