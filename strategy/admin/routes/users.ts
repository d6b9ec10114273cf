import type { Router } from "express";
import type { UserRecord } from "../../store/ports.js";
import { DirectoryError } from "../../store/index.js";
import { requireAdmin, type AdminContext } from "../context.js";
import { AdminError } from "../errors.js";
import { decodeCursor, encodeCursor, parse, userCreateBody, userCursor, userListQuery, usernameParam, userPatchBody } from "../schemas.js";

function userJson(row: UserRecord & { keyCount?: number }) {
  return {
    id: row.id,
    username: row.username,
    isAdmin: row.isAdmin,
    disabled: row.disabled,
    createdAt: row.createdAt,
    ...(row.keyCount !== undefined ? { keyCount: row.keyCount } : {}),
  };
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
    res.json({ users: page.map(userJson), nextCursor: more && last ? encodeCursor({ u: last.username }) : null });
  });

  router.post("/api/users", async (req, res) => {
    requireAdmin(req);
    const body = parse(userCreateBody, req.body, "invalid_body");
    try {
      const user = await ctx().store.directory.addUser(body.username, { isAdmin: body.isAdmin ?? false });
      res.status(201).json({ user: userJson({ ...user, keyCount: 0 }) });
    } catch (error) {
      if (error instanceof DirectoryError && error.code === "conflict") throw new AdminError(409, "user_exists", error.message);
      if (error instanceof DirectoryError && error.code === "invalid") throw new AdminError(400, "invalid_body", `username: ${error.message}`);
      if (error instanceof DirectoryError && error.code === "confusable") throw new AdminError(409, "username_confusable", error.message);
      throw error;
    }
  });

  router.patch("/api/users/:username", async (req, res) => {
    const session = requireAdmin(req);
    const { username } = parse(usernameParam, req.params);
    const body = parse(userPatchBody, req.body, "invalid_body");
    if (username === session.user.username && (body.isAdmin === false || body.disabled === true)) {
      throw new AdminError(409, "cannot_change_self", "you cannot demote or disable yourself; ask another administrator");
    }
    const { store, sessions } = ctx();
    let user;
    try {
      user = await store.directory.setUserFlags(username, body);
    } catch (error) {
      if (error instanceof DirectoryError && error.code === "not_found") throw new AdminError(404, "user_not_found", `no user ${username}`);
      throw error;
    }
    if (user.disabled) await sessions.endAllFor(user.id);
    res.json({ user: userJson(user) });
  });
}
