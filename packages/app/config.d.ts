export interface Config {
  app?: {
    /**
     * The providers the sign-in page offers when the example users are off:
     * `guest` (default) and/or `github` (app-config.production.yaml).
     * @visibility frontend
     */
    signInProviders?: Array<'guest' | 'github'>;
  };
  auth?: {
    providers?: {
      /**
       * Development only: sign in as any example user of the catalog, so one
       * person can try approvals as several people. Read by the backend
       * module `exampleUserAuthModule` (packages/backend) and by the sign-in
       * page. Off in app-config.production.yaml.
       */
      exampleUser?: {
        /**
         * Registers the `exampleUser` auth provider and offers the users
         * below on the sign-in page.
         * @visibility frontend
         */
        enabled?: boolean;
        /**
         * The users offered on the sign-in page (catalog names in the
         * default namespace).
         * @visibility frontend
         */
        users?: Array<{
          /**
           * The user entity's name, e.g. `carol`.
           * @visibility frontend
           */
          name: string;
          /**
           * What the user is for in the demo, e.g. "SRE, production approver".
           * @visibility frontend
           */
          description?: string;
        }>;
      };
    };
  };
}
