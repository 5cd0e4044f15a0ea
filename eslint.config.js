import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "sbkit-out/**", "web/dist/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: "readonly", process: "readonly", performance: "readonly" } },
    rules: {
      // A test line that computes a check without asserting it must fail lint.
      "no-unused-expressions": "off",
      "@typescript-eslint/no-unused-expressions": ["error", { allowShortCircuit: false, allowTernary: false }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": ["error", { object: "Math", property: "random", message: "Use explicit keys from src/core/rng." }],
    },
  },
);
