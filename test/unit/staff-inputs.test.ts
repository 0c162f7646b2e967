import { describe, expect, it } from "vitest";
import { accountIdentity, type StaffAccount } from "../../src/staff/account.ts";
import { staffAuthConfig, adminOpen } from "../../src/staff/auth-config.ts";
import { newAccountSchema, newApiKeySchema, validateAccountPatch, validateStaffInput } from "../../src/staff/inputs.ts";

describe("staff inputs", () => {
  it("take a new account: email lowercased, stores sorted and deduplicated, password optional", () => {
    const result = validateStaffInput(newAccountSchema, {
      email: " Wang.Fang@Example.COM ",
      name: "王芳",
      role: "store_staff",
      stores: ["sh-02", "sh-01", "sh-02"],
    });
    expect(result).toEqual({
      ok: true,
      value: { email: "wang.fang@example.com", name: "王芳", role: "store_staff", stores: ["sh-01", "sh-02"] },
    });
  });

  it("list every problem at its field, the role/stores rule too while another field fails", () => {
    const result = validateStaffInput(newAccountSchema, {
      email: "not-an-email",
      name: "",
      role: "store_staff",
      password: "short",
      extra: 1,
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    for (const path of ["email", "name", "password", "body", "stores"])
      expect(
        problems.some((p) => p.startsWith(`${path}: `)),
        problems.join(" | "),
      ).toBe(true);
    expect(problems).toContain("stores: store staff need at least one store");
  });

  it("give stores to store staff only", () => {
    const marketer = validateStaffInput(newAccountSchema, { email: "m@example.com", name: "M", role: "marketer", stores: ["sh-01"] });
    expect(marketer).toEqual({ ok: false, problems: ["stores: only store staff are scoped to stores, not a marketer"] });
    const key = validateStaffInput(newApiKeySchema, { name: "till sync", role: "store_staff", stores: ["sh-01"] });
    expect(key).toEqual({ ok: true, value: { name: "till sync", role: "store_staff", stores: ["sh-01"] } });
    expect(validateStaffInput(newApiKeySchema, { name: "crm", role: "wizard" })).toMatchObject({ ok: false });
  });

  it("take a change with any of name, role, stores, disabled, nothing else", () => {
    expect(validateAccountPatch({ disabled: true })).toEqual({ ok: true, value: { disabled: true } });
    expect(validateAccountPatch({ password: "new one please" })).toMatchObject({ ok: false });
    expect(validateAccountPatch({ role: "god" })).toMatchObject({ ok: false });
  });

  it("make an identity that carries its stores only for store staff", () => {
    const account: StaffAccount = {
      id: "stf_000000000000000000000000",
      email: "till@example.com",
      name: "Till",
      role: "store_staff",
      stores: ["sh-01"],
      passwordHash: null,
      disabledAt: null,
      sessionsValidAfter: 0,
      createdAt: 0,
    };
    expect(accountIdentity(account, "session")).toEqual({
      id: account.id,
      name: "Till",
      email: "till@example.com",
      role: "store_staff",
      stores: ["sh-01"],
      via: "session",
    });
    expect(accountIdentity({ ...account, role: "analyst" }, "access").stores).toEqual([]);
  });
});

describe("which ways into admin are configured", () => {
  it("is closed with none, open with any one of ADMIN_TOKEN, Access or STAFF_SESSION_SECRET", () => {
    expect(adminOpen(staffAuthConfig({}))).toBe(false);
    expect(adminOpen(staffAuthConfig({ ADMIN_TOKEN: "", STAFF_SESSION_SECRET: "", ACCESS_TEAM_DOMAIN: "team", ACCESS_AUD: "" }))).toBe(
      false,
    );
    expect(adminOpen(staffAuthConfig({ ADMIN_TOKEN: "t" }))).toBe(true);
    expect(adminOpen(staffAuthConfig({ STAFF_SESSION_SECRET: "s" }))).toBe(true);
    expect(adminOpen(staffAuthConfig({ ACCESS_TEAM_DOMAIN: "team", ACCESS_AUD: "aud" }))).toBe(true);
  });
});
