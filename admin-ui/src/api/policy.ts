import { api } from "./client";
import type { KeyPolicyChange, KeyPolicyResponse } from "./contract";

export const getPolicy = (signal?: AbortSignal) => api<KeyPolicyResponse>("GET", "/policy", undefined, signal);
export const updatePolicy = (change: KeyPolicyChange) => api<KeyPolicyResponse>("PUT", "/policy", change);
