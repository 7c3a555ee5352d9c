import '@testing-library/jest-dom';

// Rendering a whole tab in jsdom takes a few seconds on a loaded 2-core CI
// machine; Jest's 5 s default then fails tests that are not slow by design.
// This is a ceiling for hung tests, not a timing assertion.
jest.setTimeout(30_000);
