export interface Config {
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
