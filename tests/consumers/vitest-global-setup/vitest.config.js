// The whole setup: one line in the config.
import { defineConfig } from "vitest/config";

export default defineConfig({ test: { globalSetup: ["kms-wasm/vitest-global-setup"] } });
