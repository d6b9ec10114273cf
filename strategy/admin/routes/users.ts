import type { Router } from "express";
import type { z } from "zod";
import { userCreateBody, userCursor, userListQuery, usernameParam, userPatchBody } from "../../contract/requests.js";
import type { UserCreatedResponse, UserPageJson, UserResponse } from "../../contract/responses.js";
import { DirectoryError } from "../../store/index.js";
import { userChanges, userCreated } from "../../audit/targets.js";
import type { UserRecord } from "../../store/ports.js";
import { recordChanges } from "../audit.js";
import { checkEmail } from "../../store/directory/email.js";
import { requireAdmin, sessionOf, type AdminContext } from "../context.js";
import { decodeCursor, encodeCursor } from "../cursors.js";
import { AdminError } from "../errors.js";
import { parse } from "../parse-input.js";
import { userJson, userWithKeyCountJson } from "../responses.js";

/** Refuses a malformed address before anything is written, as a 400 naming the field. */
function validEmail(address: string): void {
  try {
    checkEmail(address);
  } catch (error) {
    throw new AdminError("invalid_body", `email: ${(error as Error).message}`);
  }
}

/** Admin only: list/search, create, set admin, disable/enable. */
export function registerUserRoutes(router: Router, ctx: () => AdminContext): void {
  router.get("/api/users", async (req, res) => {
    requireAdmin(req);
    const query = parse(userListQuery, req.query);
    const { store } = ctx();
    const cursor = decodeCursor(query.cursor, userCursor);
    const { items: page, more } = await store.directory.pageUsers({ q: query.q, after: cursor?.u, limit: query.limit });
    const last = page[page.length - 1];
    res.json({
      users: page.map((row) => userWithKeyCountJson(row, row.keyCount)),
      nextCursor: more && last ? encodeCursor({ u: last.username }) : null,
    } satisfies z.input<typeof UserPageJson>);
  });

  router.post("/api/users", async (req, res) => {
    requireAdmin(req);
    const body = parse(userCreateBody, req.body, "invalid_body");
    if (body.email !== undefined) validEmail(body.email);
    const { directory } = ctx().store;
    let user: UserRecord;
    try {
      user = await directory.addUser(body.username, { isAdmin: body.isAdmin ?? false });
      if (body.email !== undefined) user = await directory.setUserFlags(user.username, { email: body.email });
    } catch (error) {
      if (error instanceof DirectoryError && error.code === "conflict") throw new AdminError("user_exists", error.message);
      if (error instanceof DirectoryError && error.code === "invalid") throw new AdminError("invalid_body", `username: ${error.message}`);
      if (error instanceof DirectoryError && error.code === "confusable") throw new AdminError("username_confusable", error.message);
      throw error;
    }
    await recordChanges(req, ctx(), userCreated(user));
    res.status(201).json({ user: userWithKeyCountJson(user, 0) } satisfies z.input<typeof UserCreatedResponse>);
  });

  router.patch("/api/users/:username", async (req, res) => {
    const { username } = parse(usernameParam, req.params);
    // Anyone may set where their own notifications go; everything else is an administrator's.
    const session = username === sessionOf(req).user.username ? sessionOf(req) : requireAdmin(req);
    const body = parse(userPatchBody, req.body, "invalid_body");
    if (Object.keys(body).some((field) => field !== "email")) requireAdmin(req);
    if (username === session.user.username && (body.isAdmin === false || body.disabled === true)) {
      throw new AdminError("cannot_change_self", "you cannot demote or disable yourself; ask another administrator");
    }
    if (body.email) validEmail(body.email);
    const { store, sessions } = ctx();
    const before = await store.directory.lookupUser(username);
    let user;
    try {
      user = await store.directory.setUserFlags(username, body);
    } catch (error) {
      if (error instanceof DirectoryError && error.code === "not_found") throw new AdminError("user_not_found", `no user ${username}`);
      throw error;
    }
    if (user.disabled) await sessions.endAllFor(user.id);
    if (before) await recordChanges(req, ctx(), ...userChanges(before, user));
    res.json({ user: userJson(user) } satisfies z.input<typeof UserResponse>);
  });
}
