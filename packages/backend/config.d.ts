export interface Config {
  auth?: {
    providers?: {
      /** Development-only example-user sign-in (src/exampleUserAuth.ts; `enabled` and `users` are declared by packages/app). */
      exampleUser?: {
        /**
         * Lets the provider run outside NODE_ENV development/test; without it
         * the backend refuses to start with the provider enabled.
         */
        dangerouslyAllowOutsideDevelopment?: boolean;
      };
    };
  };
  permission?: {
    /** Settings of the portal's Release Coordinator permission policy. */
    releaseCoordinator?: {
      /**
       * Groups whose members may waive gates, override freezes and roll back
       * any entity. Owners may always do so for their own entities.
       * Default: [group:default/sre].
       */
      privilegedGroups?: string[];
    };
  };
}
