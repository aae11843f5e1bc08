/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment AlertFields on Alert {\n    serial\n    state\n    severity\n    since\n    value\n    firedAt\n    acknowledgedBy\n    acknowledgedAt\n    comment\n    rule {\n      id\n      name\n      parameter\n    }\n  }\n": typeof types.AlertFieldsFragmentDoc,
    "\n  query Alerts($state: AlertState, $severity: AlertSeverity, $ruleId: Int) {\n    alerts(state: $state, severity: $severity, ruleId: $ruleId, limit: 500) {\n      ...AlertFields\n    }\n  }\n": typeof types.AlertsDocument,
    "\n  query FiringCount {\n    alerts(state: FIRING, limit: 500) {\n      serial\n    }\n  }\n": typeof types.FiringCountDocument,
    "\n  subscription AlertChanged {\n    alertChanged {\n      ruleId\n      serial\n      state\n      to\n    }\n  }\n": typeof types.AlertChangedDocument,
    "\n  fragment AlertRuleFields on AlertRule {\n    id\n    name\n    where\n    parameter\n    op\n    threshold\n    clearThreshold\n    forSeconds\n    noDataSeconds\n    severity\n    enabled\n    reminderSeconds\n    notify {\n      id\n      name\n    }\n  }\n": typeof types.AlertRuleFieldsFragmentDoc,
    "\n  query AlertRules {\n    alertRules {\n      ...AlertRuleFields\n    }\n    notificationChannels {\n      id\n      name\n      kind\n      target\n    }\n  }\n": typeof types.AlertRulesDocument,
    "\n  mutation CreateAlertRule($input: AlertRuleInput!) {\n    createAlertRule(input: $input) {\n      id\n    }\n  }\n": typeof types.CreateAlertRuleDocument,
    "\n  mutation SetAlertRuleEnabled($id: Int!, $enabled: Boolean!) {\n    setAlertRuleEnabled(id: $id, enabled: $enabled) {\n      id\n    }\n  }\n": typeof types.SetAlertRuleEnabledDocument,
    "\n  mutation DeleteAlertRule($id: Int!) {\n    deleteAlertRule(id: $id)\n  }\n": typeof types.DeleteAlertRuleDocument,
    "\n  mutation AcknowledgeAlert($ruleId: Int!, $serial: String!, $comment: String) {\n    acknowledgeAlert(ruleId: $ruleId, serial: $serial, comment: $comment)\n  }\n": typeof types.AcknowledgeAlertDocument,
    "\n  mutation CreateChannel($name: String!, $kind: String!, $target: String!) {\n    createNotificationChannel(name: $name, kind: $kind, target: $target) {\n      channel {\n        id\n      }\n      secret\n    }\n  }\n": typeof types.CreateChannelDocument,
    "\n  query DeadLetters {\n    notifications(state: \"DEAD\", limit: 100) {\n      id\n      serial\n      kind\n      attempts\n      lastError\n      createdAt\n    }\n  }\n": typeof types.DeadLettersDocument,
    "\n  mutation RetryNotification($id: Int!) {\n    retryNotification(id: $id)\n  }\n": typeof types.RetryNotificationDocument,
    "\n  query DeviceAlertMarks($serial: String!, $since: DateTime) {\n    device(serial: $serial) {\n      alerts(since: $since, limit: 500) {\n        ruleName\n        parameter\n        severity\n        from\n        to\n        at\n      }\n    }\n  }\n": typeof types.DeviceAlertMarksDocument,
    "\n  fragment DeviceMetaFields on Device {\n    name\n    labels {\n      key\n      value\n    }\n    groups\n  }\n": typeof types.DeviceMetaFieldsFragmentDoc,
    "\n  fragment DeviceFields on Device {\n    serial\n    online\n    lastSeen\n    createdAt\n    params\n    ...DeviceMetaFields\n  }\n": typeof types.DeviceFieldsFragmentDoc,
    "\n  query FleetPage($where: [Condition!], $orderBy: [Order!], $offset: Int, $limit: Int) {\n    devices(where: $where, orderBy: $orderBy, offset: $offset, limit: $limit) {\n      totalCount\n      nodes {\n        ...DeviceFields\n      }\n    }\n  }\n": typeof types.FleetPageDocument,
    "\n  query Catalogue {\n    parameters {\n      name\n      kind\n      label\n      unit\n      quantity\n      precision\n      scale\n      customized\n    }\n  }\n": typeof types.CatalogueDocument,
    "\n  subscription FleetUpdates($where: [Condition!]) {\n    deviceUpdates(where: $where) {\n      updates {\n        serial\n        values\n        online\n        lastSeen\n        entered\n        meta {\n          name\n          labels {\n            key\n            value\n          }\n          groups\n        }\n      }\n      left\n    }\n  }\n": typeof types.FleetUpdatesDocument,
    "\n  query DeviceDetail($serial: String!) {\n    device(serial: $serial) {\n      ...DeviceFields\n    }\n  }\n": typeof types.DeviceDetailDocument,
    "\n  subscription DeviceChanges($serial: String!) {\n    deviceChanged(serial: $serial) {\n      at\n      values\n      online\n      lastSeen\n    }\n  }\n": typeof types.DeviceChangesDocument,
    "\n  query DeviceHistory($serial: String!, $names: [String!]!, $since: DateTime, $until: DateTime) {\n    device(serial: $serial) {\n      serial\n      histories(names: $names, since: $since, until: $until) {\n        name\n        points {\n          t\n          avg\n          min\n          max\n          count\n          value\n        }\n      }\n    }\n  }\n": typeof types.DeviceHistoryDocument,
    "\n  query Me {\n    authRequired\n    me {\n      id\n      username\n      role\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation SignIn($username: String!, $password: String!) {\n    signIn(username: $username, password: $password) {\n      id\n      username\n      role\n    }\n  }\n": typeof types.SignInDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": typeof types.SignOutDocument,
    "\n  mutation ChangePassword($current: String!, $next: String!) {\n    changePassword(current: $current, next: $next)\n  }\n": typeof types.ChangePasswordDocument,
    "\n  query DeviceCredentials($serial: String!) {\n    device(serial: $serial) {\n      serial\n      owner\n      tokens {\n        id\n        label\n        createdAt\n        expiresAt\n        revokedAt\n      }\n    }\n  }\n": typeof types.DeviceCredentialsDocument,
    "\n  mutation CreateDeviceToken($serial: String!, $label: String, $expiresInDays: Int) {\n    createDeviceToken(serial: $serial, label: $label, expiresInDays: $expiresInDays) {\n      secret\n      token {\n        id\n      }\n    }\n  }\n": typeof types.CreateDeviceTokenDocument,
    "\n  mutation RevokeDeviceToken($id: Int!) {\n    revokeDeviceToken(id: $id)\n  }\n": typeof types.RevokeDeviceTokenDocument,
    "\n  query Access($admin: Boolean!) {\n    enrollmentKeys {\n      id\n      label\n      owner\n      createdAt\n      revokedAt\n    }\n    users @include(if: $admin) {\n      id\n      username\n      role\n      disabled\n      createdAt\n    }\n    me {\n      username\n    }\n    unclaimedDevices @include(if: $admin) {\n      serial\n      lastSeen\n      online\n    }\n  }\n": typeof types.AccessDocument,
    "\n  mutation CreateEnrollmentKey($label: String) {\n    createEnrollmentKey(label: $label) {\n      secret\n    }\n  }\n": typeof types.CreateEnrollmentKeyDocument,
    "\n  mutation RevokeEnrollmentKey($id: Int!) {\n    revokeEnrollmentKey(id: $id)\n  }\n": typeof types.RevokeEnrollmentKeyDocument,
    "\n  mutation AssignDevice($serial: String!, $owner: String) {\n    assignDevice(serial: $serial, owner: $owner) {\n      serial\n      owner\n    }\n  }\n": typeof types.AssignDeviceDocument,
    "\n  mutation RejectDevice($serial: String!) {\n    rejectDevice(serial: $serial)\n  }\n": typeof types.RejectDeviceDocument,
    "\n  mutation CreateUser($username: String!, $password: String!, $role: Role!) {\n    createUser(username: $username, password: $password, role: $role) {\n      id\n    }\n  }\n": typeof types.CreateUserDocument,
    "\n  mutation UpdateUser($username: String!, $role: Role, $disabled: Boolean) {\n    updateUser(username: $username, role: $role, disabled: $disabled) {\n      id\n      role\n      disabled\n    }\n  }\n": typeof types.UpdateUserDocument,
    "\n  mutation DeleteUser($username: String!) {\n    deleteUser(username: $username)\n  }\n": typeof types.DeleteUserDocument,
    "\n  mutation AssignDevices($serials: [String!]!, $owner: String) {\n    assignDevices(serials: $serials, owner: $owner)\n  }\n": typeof types.AssignDevicesDocument,
    "\n  query ApiTokens {\n    apiTokens {\n      id\n      label\n      scopes\n      createdAt\n      expiresAt\n      revokedAt\n      lastUsedAt\n    }\n  }\n": typeof types.ApiTokensDocument,
    "\n  mutation CreateApiToken($label: String, $scopes: [ApiScope!]!, $expiresInDays: Int) {\n    createApiToken(label: $label, scopes: $scopes, expiresInDays: $expiresInDays) {\n      secret\n    }\n  }\n": typeof types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: Int!) {\n    revokeApiToken(id: $id)\n  }\n": typeof types.RevokeApiTokenDocument,
    "\n  query DeviceControl($serial: String!) {\n    device(serial: $serial) {\n      serial\n      protocol\n      capabilities\n      desired\n      params\n      commands(limit: 20) {\n        cmdid\n        jobId\n        state\n        percent\n        result\n        error\n        reason\n        updatedAt\n      }\n    }\n  }\n": typeof types.DeviceControlDocument,
    "\n  subscription DeviceCommands($serial: String!) {\n    deviceCommands(serial: $serial) {\n      cmdid\n      state\n    }\n  }\n": typeof types.DeviceCommandsDocument,
    "\n  mutation SendCommand($input: SendCommandInput!) {\n    sendCommand(input: $input) {\n      id\n    }\n  }\n": typeof types.SendCommandDocument,
    "\n  mutation SetDesired($serial: String!, $values: JSON!) {\n    setDesired(serial: $serial, values: $values) {\n      id\n    }\n  }\n": typeof types.SetDesiredDocument,
    "\n  fragment JobFields on Job {\n    id\n    name\n    args\n    createdAt\n    createdBy\n    canceledAt\n    counts {\n      QUEUED\n      SENT\n      DELIVERED\n      SUCCEEDED\n      FAILED\n      REJECTED\n      TIMED_OUT\n      EXPIRED\n      CANCELED\n      SKIPPED\n    }\n  }\n": typeof types.JobFieldsFragmentDoc,
    "\n  subscription JobProgress($id: ID!) {\n    jobProgress(id: $id) {\n      ...JobFields\n    }\n  }\n": typeof types.JobProgressDocument,
    "\n  query JobProblems($id: ID!) {\n    job(id: $id) {\n      id\n      executions(states: [FAILED, REJECTED, EXPIRED, SKIPPED], limit: 50) {\n        serial\n        state\n        error\n        reason\n      }\n    }\n  }\n": typeof types.JobProblemsDocument,
    "\n  query Jobs {\n    jobs(limit: 20) {\n      ...JobFields\n    }\n  }\n": typeof types.JobsDocument,
    "\n  mutation CancelJob($id: ID!) {\n    cancelJob(id: $id) {\n      id\n    }\n  }\n": typeof types.CancelJobDocument,
    "\n  query FleetStats($names: [String!]!, $histogram: String!, $outliers: String!) {\n    fleetStats {\n      total\n      online\n      offline\n      inAlert\n      values(names: $names) {\n        name\n        sum\n        avg\n        min\n        max\n        devices\n      }\n      histogram(name: $histogram, buckets: 12) {\n        name\n        buckets {\n          from\n          to\n          count\n        }\n      }\n      offlineLongest(limit: 8) {\n        serial\n        name\n        lastSeen\n        createdAt\n      }\n      outliers(name: $outliers, limit: 8) {\n        value\n        deviation\n        device {\n          serial\n          name\n        }\n      }\n    }\n  }\n": typeof types.FleetStatsDocument,
    "\n  query FleetHistory($where: [Condition!], $name: String!, $agg: FleetAgg, $since: DateTime, $until: DateTime, $groupBy: String) {\n    fleetHistory(where: $where, name: $name, agg: $agg, since: $since, until: $until, groupBy: $groupBy) {\n      group\n      others\n      devices\n      points {\n        t\n        value\n        devices\n      }\n    }\n  }\n": typeof types.FleetHistoryDocument,
    "\n  query Preference {\n    preference(key: overview)\n  }\n": typeof types.PreferenceDocument,
    "\n  mutation SetPreference($value: JSON) {\n    setPreference(key: overview, value: $value)\n  }\n": typeof types.SetPreferenceDocument,
    "\n  query Compare($where: [Condition!], $name: String!, $since: DateTime, $until: DateTime, $limit: Int) {\n    devices(where: $where, limit: $limit) {\n      nodes {\n        serial\n        name\n        history(name: $name, since: $since, until: $until) {\n          t\n          avg\n          value\n        }\n      }\n    }\n  }\n": typeof types.CompareDocument,
    "\n  mutation UpdateDevice($serial: String!, $name: String, $labels: [LabelInput!], $groups: [String!]) {\n    updateDevice(serial: $serial, name: $name, labels: $labels, groups: $groups) {\n      serial\n      ...DeviceMetaFields\n    }\n  }\n": typeof types.UpdateDeviceDocument,
    "\n  mutation LabelDevices($where: [Condition!], $setLabels: [LabelInput!], $removeLabels: [String!], $addGroups: [String!], $removeGroups: [String!]) {\n    labelDevices(where: $where, setLabels: $setLabels, removeLabels: $removeLabels, addGroups: $addGroups, removeGroups: $removeGroups)\n  }\n": typeof types.LabelDevicesDocument,
    "\n  query DeviceMeta($serial: String!) {\n    device(serial: $serial) {\n      serial\n      ...DeviceMetaFields\n    }\n  }\n": typeof types.DeviceMetaDocument,
    "\n  mutation UpdateParameter($name: String!, $label: String, $unit: String, $quantity: Quantity, $precision: Int, $scale: Float) {\n    updateParameter(name: $name, label: $label, unit: $unit, quantity: $quantity, precision: $precision, scale: $scale) {\n      name\n      label\n      unit\n      quantity\n      precision\n      scale\n      customized\n    }\n  }\n": typeof types.UpdateParameterDocument,
    "\n  query Releases {\n    releases {\n      id\n      name\n      version\n      kind\n      notes\n      sha256\n      size\n      publishedBy\n      createdAt\n    }\n  }\n": typeof types.ReleasesDocument,
    "\n  fragment DeploymentFields on Deployment {\n    id\n    state\n    reason\n    phase\n    phases\n    healthSeconds\n    createdAt\n    finishedAt\n    createdBy\n    release {\n      id\n      name\n      version\n    }\n    counts {\n      QUEUED\n      NOTIFIED\n      DOWNLOADING\n      DOWNLOADED\n      VERIFIED\n      INSTALLING\n      RESTARTING\n      UPDATED\n      HEALTHY\n      FAILED\n      ROLLED_BACK\n      SKIPPED\n      CANCELED\n    }\n  }\n": typeof types.DeploymentFieldsFragmentDoc,
    "\n  query Deployments {\n    deployments(limit: 20) {\n      ...DeploymentFields\n    }\n  }\n": typeof types.DeploymentsDocument,
    "\n  subscription DeploymentProgress($id: Int!) {\n    deploymentProgress(id: $id) {\n      ...DeploymentFields\n    }\n  }\n": typeof types.DeploymentProgressDocument,
    "\n  query DeploymentProblems($id: Int!) {\n    deployment(id: $id) {\n      id\n      devices(states: [FAILED, ROLLED_BACK, SKIPPED, CANCELED], limit: 50) {\n        serial\n        state\n        reason\n      }\n    }\n  }\n": typeof types.DeploymentProblemsDocument,
    "\n  mutation CreateDeployment($input: CreateDeploymentInput!) {\n    createDeployment(input: $input) {\n      id\n    }\n  }\n": typeof types.CreateDeploymentDocument,
    "\n  mutation PauseDeployment($id: Int!) {\n    pauseDeployment(id: $id) {\n      id\n      state\n    }\n  }\n": typeof types.PauseDeploymentDocument,
    "\n  mutation ResumeDeployment($id: Int!) {\n    resumeDeployment(id: $id) {\n      id\n      state\n    }\n  }\n": typeof types.ResumeDeploymentDocument,
    "\n  mutation CancelDeployment($id: Int!) {\n    cancelDeployment(id: $id) {\n      id\n      state\n    }\n  }\n": typeof types.CancelDeploymentDocument,
    "\n  query DeviceUpdates($serial: String!) {\n    device(serial: $serial) {\n      serial\n      softwareVersion\n      updates(limit: 10) {\n        deploymentId\n        state\n        reason\n        fromVersion\n        updatedAt\n        deployment {\n          id\n          release {\n            name\n            version\n          }\n        }\n      }\n    }\n  }\n": typeof types.DeviceUpdatesDocument,
};
const documents: Documents = {
    "\n  fragment AlertFields on Alert {\n    serial\n    state\n    severity\n    since\n    value\n    firedAt\n    acknowledgedBy\n    acknowledgedAt\n    comment\n    rule {\n      id\n      name\n      parameter\n    }\n  }\n": types.AlertFieldsFragmentDoc,
    "\n  query Alerts($state: AlertState, $severity: AlertSeverity, $ruleId: Int) {\n    alerts(state: $state, severity: $severity, ruleId: $ruleId, limit: 500) {\n      ...AlertFields\n    }\n  }\n": types.AlertsDocument,
    "\n  query FiringCount {\n    alerts(state: FIRING, limit: 500) {\n      serial\n    }\n  }\n": types.FiringCountDocument,
    "\n  subscription AlertChanged {\n    alertChanged {\n      ruleId\n      serial\n      state\n      to\n    }\n  }\n": types.AlertChangedDocument,
    "\n  fragment AlertRuleFields on AlertRule {\n    id\n    name\n    where\n    parameter\n    op\n    threshold\n    clearThreshold\n    forSeconds\n    noDataSeconds\n    severity\n    enabled\n    reminderSeconds\n    notify {\n      id\n      name\n    }\n  }\n": types.AlertRuleFieldsFragmentDoc,
    "\n  query AlertRules {\n    alertRules {\n      ...AlertRuleFields\n    }\n    notificationChannels {\n      id\n      name\n      kind\n      target\n    }\n  }\n": types.AlertRulesDocument,
    "\n  mutation CreateAlertRule($input: AlertRuleInput!) {\n    createAlertRule(input: $input) {\n      id\n    }\n  }\n": types.CreateAlertRuleDocument,
    "\n  mutation SetAlertRuleEnabled($id: Int!, $enabled: Boolean!) {\n    setAlertRuleEnabled(id: $id, enabled: $enabled) {\n      id\n    }\n  }\n": types.SetAlertRuleEnabledDocument,
    "\n  mutation DeleteAlertRule($id: Int!) {\n    deleteAlertRule(id: $id)\n  }\n": types.DeleteAlertRuleDocument,
    "\n  mutation AcknowledgeAlert($ruleId: Int!, $serial: String!, $comment: String) {\n    acknowledgeAlert(ruleId: $ruleId, serial: $serial, comment: $comment)\n  }\n": types.AcknowledgeAlertDocument,
    "\n  mutation CreateChannel($name: String!, $kind: String!, $target: String!) {\n    createNotificationChannel(name: $name, kind: $kind, target: $target) {\n      channel {\n        id\n      }\n      secret\n    }\n  }\n": types.CreateChannelDocument,
    "\n  query DeadLetters {\n    notifications(state: \"DEAD\", limit: 100) {\n      id\n      serial\n      kind\n      attempts\n      lastError\n      createdAt\n    }\n  }\n": types.DeadLettersDocument,
    "\n  mutation RetryNotification($id: Int!) {\n    retryNotification(id: $id)\n  }\n": types.RetryNotificationDocument,
    "\n  query DeviceAlertMarks($serial: String!, $since: DateTime) {\n    device(serial: $serial) {\n      alerts(since: $since, limit: 500) {\n        ruleName\n        parameter\n        severity\n        from\n        to\n        at\n      }\n    }\n  }\n": types.DeviceAlertMarksDocument,
    "\n  fragment DeviceMetaFields on Device {\n    name\n    labels {\n      key\n      value\n    }\n    groups\n  }\n": types.DeviceMetaFieldsFragmentDoc,
    "\n  fragment DeviceFields on Device {\n    serial\n    online\n    lastSeen\n    createdAt\n    params\n    ...DeviceMetaFields\n  }\n": types.DeviceFieldsFragmentDoc,
    "\n  query FleetPage($where: [Condition!], $orderBy: [Order!], $offset: Int, $limit: Int) {\n    devices(where: $where, orderBy: $orderBy, offset: $offset, limit: $limit) {\n      totalCount\n      nodes {\n        ...DeviceFields\n      }\n    }\n  }\n": types.FleetPageDocument,
    "\n  query Catalogue {\n    parameters {\n      name\n      kind\n      label\n      unit\n      quantity\n      precision\n      scale\n      customized\n    }\n  }\n": types.CatalogueDocument,
    "\n  subscription FleetUpdates($where: [Condition!]) {\n    deviceUpdates(where: $where) {\n      updates {\n        serial\n        values\n        online\n        lastSeen\n        entered\n        meta {\n          name\n          labels {\n            key\n            value\n          }\n          groups\n        }\n      }\n      left\n    }\n  }\n": types.FleetUpdatesDocument,
    "\n  query DeviceDetail($serial: String!) {\n    device(serial: $serial) {\n      ...DeviceFields\n    }\n  }\n": types.DeviceDetailDocument,
    "\n  subscription DeviceChanges($serial: String!) {\n    deviceChanged(serial: $serial) {\n      at\n      values\n      online\n      lastSeen\n    }\n  }\n": types.DeviceChangesDocument,
    "\n  query DeviceHistory($serial: String!, $names: [String!]!, $since: DateTime, $until: DateTime) {\n    device(serial: $serial) {\n      serial\n      histories(names: $names, since: $since, until: $until) {\n        name\n        points {\n          t\n          avg\n          min\n          max\n          count\n          value\n        }\n      }\n    }\n  }\n": types.DeviceHistoryDocument,
    "\n  query Me {\n    authRequired\n    me {\n      id\n      username\n      role\n    }\n  }\n": types.MeDocument,
    "\n  mutation SignIn($username: String!, $password: String!) {\n    signIn(username: $username, password: $password) {\n      id\n      username\n      role\n    }\n  }\n": types.SignInDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": types.SignOutDocument,
    "\n  mutation ChangePassword($current: String!, $next: String!) {\n    changePassword(current: $current, next: $next)\n  }\n": types.ChangePasswordDocument,
    "\n  query DeviceCredentials($serial: String!) {\n    device(serial: $serial) {\n      serial\n      owner\n      tokens {\n        id\n        label\n        createdAt\n        expiresAt\n        revokedAt\n      }\n    }\n  }\n": types.DeviceCredentialsDocument,
    "\n  mutation CreateDeviceToken($serial: String!, $label: String, $expiresInDays: Int) {\n    createDeviceToken(serial: $serial, label: $label, expiresInDays: $expiresInDays) {\n      secret\n      token {\n        id\n      }\n    }\n  }\n": types.CreateDeviceTokenDocument,
    "\n  mutation RevokeDeviceToken($id: Int!) {\n    revokeDeviceToken(id: $id)\n  }\n": types.RevokeDeviceTokenDocument,
    "\n  query Access($admin: Boolean!) {\n    enrollmentKeys {\n      id\n      label\n      owner\n      createdAt\n      revokedAt\n    }\n    users @include(if: $admin) {\n      id\n      username\n      role\n      disabled\n      createdAt\n    }\n    me {\n      username\n    }\n    unclaimedDevices @include(if: $admin) {\n      serial\n      lastSeen\n      online\n    }\n  }\n": types.AccessDocument,
    "\n  mutation CreateEnrollmentKey($label: String) {\n    createEnrollmentKey(label: $label) {\n      secret\n    }\n  }\n": types.CreateEnrollmentKeyDocument,
    "\n  mutation RevokeEnrollmentKey($id: Int!) {\n    revokeEnrollmentKey(id: $id)\n  }\n": types.RevokeEnrollmentKeyDocument,
    "\n  mutation AssignDevice($serial: String!, $owner: String) {\n    assignDevice(serial: $serial, owner: $owner) {\n      serial\n      owner\n    }\n  }\n": types.AssignDeviceDocument,
    "\n  mutation RejectDevice($serial: String!) {\n    rejectDevice(serial: $serial)\n  }\n": types.RejectDeviceDocument,
    "\n  mutation CreateUser($username: String!, $password: String!, $role: Role!) {\n    createUser(username: $username, password: $password, role: $role) {\n      id\n    }\n  }\n": types.CreateUserDocument,
    "\n  mutation UpdateUser($username: String!, $role: Role, $disabled: Boolean) {\n    updateUser(username: $username, role: $role, disabled: $disabled) {\n      id\n      role\n      disabled\n    }\n  }\n": types.UpdateUserDocument,
    "\n  mutation DeleteUser($username: String!) {\n    deleteUser(username: $username)\n  }\n": types.DeleteUserDocument,
    "\n  mutation AssignDevices($serials: [String!]!, $owner: String) {\n    assignDevices(serials: $serials, owner: $owner)\n  }\n": types.AssignDevicesDocument,
    "\n  query ApiTokens {\n    apiTokens {\n      id\n      label\n      scopes\n      createdAt\n      expiresAt\n      revokedAt\n      lastUsedAt\n    }\n  }\n": types.ApiTokensDocument,
    "\n  mutation CreateApiToken($label: String, $scopes: [ApiScope!]!, $expiresInDays: Int) {\n    createApiToken(label: $label, scopes: $scopes, expiresInDays: $expiresInDays) {\n      secret\n    }\n  }\n": types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: Int!) {\n    revokeApiToken(id: $id)\n  }\n": types.RevokeApiTokenDocument,
    "\n  query DeviceControl($serial: String!) {\n    device(serial: $serial) {\n      serial\n      protocol\n      capabilities\n      desired\n      params\n      commands(limit: 20) {\n        cmdid\n        jobId\n        state\n        percent\n        result\n        error\n        reason\n        updatedAt\n      }\n    }\n  }\n": types.DeviceControlDocument,
    "\n  subscription DeviceCommands($serial: String!) {\n    deviceCommands(serial: $serial) {\n      cmdid\n      state\n    }\n  }\n": types.DeviceCommandsDocument,
    "\n  mutation SendCommand($input: SendCommandInput!) {\n    sendCommand(input: $input) {\n      id\n    }\n  }\n": types.SendCommandDocument,
    "\n  mutation SetDesired($serial: String!, $values: JSON!) {\n    setDesired(serial: $serial, values: $values) {\n      id\n    }\n  }\n": types.SetDesiredDocument,
    "\n  fragment JobFields on Job {\n    id\n    name\n    args\n    createdAt\n    createdBy\n    canceledAt\n    counts {\n      QUEUED\n      SENT\n      DELIVERED\n      SUCCEEDED\n      FAILED\n      REJECTED\n      TIMED_OUT\n      EXPIRED\n      CANCELED\n      SKIPPED\n    }\n  }\n": types.JobFieldsFragmentDoc,
    "\n  subscription JobProgress($id: ID!) {\n    jobProgress(id: $id) {\n      ...JobFields\n    }\n  }\n": types.JobProgressDocument,
    "\n  query JobProblems($id: ID!) {\n    job(id: $id) {\n      id\n      executions(states: [FAILED, REJECTED, EXPIRED, SKIPPED], limit: 50) {\n        serial\n        state\n        error\n        reason\n      }\n    }\n  }\n": types.JobProblemsDocument,
    "\n  query Jobs {\n    jobs(limit: 20) {\n      ...JobFields\n    }\n  }\n": types.JobsDocument,
    "\n  mutation CancelJob($id: ID!) {\n    cancelJob(id: $id) {\n      id\n    }\n  }\n": types.CancelJobDocument,
    "\n  query FleetStats($names: [String!]!, $histogram: String!, $outliers: String!) {\n    fleetStats {\n      total\n      online\n      offline\n      inAlert\n      values(names: $names) {\n        name\n        sum\n        avg\n        min\n        max\n        devices\n      }\n      histogram(name: $histogram, buckets: 12) {\n        name\n        buckets {\n          from\n          to\n          count\n        }\n      }\n      offlineLongest(limit: 8) {\n        serial\n        name\n        lastSeen\n        createdAt\n      }\n      outliers(name: $outliers, limit: 8) {\n        value\n        deviation\n        device {\n          serial\n          name\n        }\n      }\n    }\n  }\n": types.FleetStatsDocument,
    "\n  query FleetHistory($where: [Condition!], $name: String!, $agg: FleetAgg, $since: DateTime, $until: DateTime, $groupBy: String) {\n    fleetHistory(where: $where, name: $name, agg: $agg, since: $since, until: $until, groupBy: $groupBy) {\n      group\n      others\n      devices\n      points {\n        t\n        value\n        devices\n      }\n    }\n  }\n": types.FleetHistoryDocument,
    "\n  query Preference {\n    preference(key: overview)\n  }\n": types.PreferenceDocument,
    "\n  mutation SetPreference($value: JSON) {\n    setPreference(key: overview, value: $value)\n  }\n": types.SetPreferenceDocument,
    "\n  query Compare($where: [Condition!], $name: String!, $since: DateTime, $until: DateTime, $limit: Int) {\n    devices(where: $where, limit: $limit) {\n      nodes {\n        serial\n        name\n        history(name: $name, since: $since, until: $until) {\n          t\n          avg\n          value\n        }\n      }\n    }\n  }\n": types.CompareDocument,
    "\n  mutation UpdateDevice($serial: String!, $name: String, $labels: [LabelInput!], $groups: [String!]) {\n    updateDevice(serial: $serial, name: $name, labels: $labels, groups: $groups) {\n      serial\n      ...DeviceMetaFields\n    }\n  }\n": types.UpdateDeviceDocument,
    "\n  mutation LabelDevices($where: [Condition!], $setLabels: [LabelInput!], $removeLabels: [String!], $addGroups: [String!], $removeGroups: [String!]) {\n    labelDevices(where: $where, setLabels: $setLabels, removeLabels: $removeLabels, addGroups: $addGroups, removeGroups: $removeGroups)\n  }\n": types.LabelDevicesDocument,
    "\n  query DeviceMeta($serial: String!) {\n    device(serial: $serial) {\n      serial\n      ...DeviceMetaFields\n    }\n  }\n": types.DeviceMetaDocument,
    "\n  mutation UpdateParameter($name: String!, $label: String, $unit: String, $quantity: Quantity, $precision: Int, $scale: Float) {\n    updateParameter(name: $name, label: $label, unit: $unit, quantity: $quantity, precision: $precision, scale: $scale) {\n      name\n      label\n      unit\n      quantity\n      precision\n      scale\n      customized\n    }\n  }\n": types.UpdateParameterDocument,
    "\n  query Releases {\n    releases {\n      id\n      name\n      version\n      kind\n      notes\n      sha256\n      size\n      publishedBy\n      createdAt\n    }\n  }\n": types.ReleasesDocument,
    "\n  fragment DeploymentFields on Deployment {\n    id\n    state\n    reason\n    phase\n    phases\n    healthSeconds\n    createdAt\n    finishedAt\n    createdBy\n    release {\n      id\n      name\n      version\n    }\n    counts {\n      QUEUED\n      NOTIFIED\n      DOWNLOADING\n      DOWNLOADED\n      VERIFIED\n      INSTALLING\n      RESTARTING\n      UPDATED\n      HEALTHY\n      FAILED\n      ROLLED_BACK\n      SKIPPED\n      CANCELED\n    }\n  }\n": types.DeploymentFieldsFragmentDoc,
    "\n  query Deployments {\n    deployments(limit: 20) {\n      ...DeploymentFields\n    }\n  }\n": types.DeploymentsDocument,
    "\n  subscription DeploymentProgress($id: Int!) {\n    deploymentProgress(id: $id) {\n      ...DeploymentFields\n    }\n  }\n": types.DeploymentProgressDocument,
    "\n  query DeploymentProblems($id: Int!) {\n    deployment(id: $id) {\n      id\n      devices(states: [FAILED, ROLLED_BACK, SKIPPED, CANCELED], limit: 50) {\n        serial\n        state\n        reason\n      }\n    }\n  }\n": types.DeploymentProblemsDocument,
    "\n  mutation CreateDeployment($input: CreateDeploymentInput!) {\n    createDeployment(input: $input) {\n      id\n    }\n  }\n": types.CreateDeploymentDocument,
    "\n  mutation PauseDeployment($id: Int!) {\n    pauseDeployment(id: $id) {\n      id\n      state\n    }\n  }\n": types.PauseDeploymentDocument,
    "\n  mutation ResumeDeployment($id: Int!) {\n    resumeDeployment(id: $id) {\n      id\n      state\n    }\n  }\n": types.ResumeDeploymentDocument,
    "\n  mutation CancelDeployment($id: Int!) {\n    cancelDeployment(id: $id) {\n      id\n      state\n    }\n  }\n": types.CancelDeploymentDocument,
    "\n  query DeviceUpdates($serial: String!) {\n    device(serial: $serial) {\n      serial\n      softwareVersion\n      updates(limit: 10) {\n        deploymentId\n        state\n        reason\n        fromVersion\n        updatedAt\n        deployment {\n          id\n          release {\n            name\n            version\n          }\n        }\n      }\n    }\n  }\n": types.DeviceUpdatesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AlertFields on Alert {\n    serial\n    state\n    severity\n    since\n    value\n    firedAt\n    acknowledgedBy\n    acknowledgedAt\n    comment\n    rule {\n      id\n      name\n      parameter\n    }\n  }\n"): (typeof documents)["\n  fragment AlertFields on Alert {\n    serial\n    state\n    severity\n    since\n    value\n    firedAt\n    acknowledgedBy\n    acknowledgedAt\n    comment\n    rule {\n      id\n      name\n      parameter\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Alerts($state: AlertState, $severity: AlertSeverity, $ruleId: Int) {\n    alerts(state: $state, severity: $severity, ruleId: $ruleId, limit: 500) {\n      ...AlertFields\n    }\n  }\n"): (typeof documents)["\n  query Alerts($state: AlertState, $severity: AlertSeverity, $ruleId: Int) {\n    alerts(state: $state, severity: $severity, ruleId: $ruleId, limit: 500) {\n      ...AlertFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FiringCount {\n    alerts(state: FIRING, limit: 500) {\n      serial\n    }\n  }\n"): (typeof documents)["\n  query FiringCount {\n    alerts(state: FIRING, limit: 500) {\n      serial\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AlertChanged {\n    alertChanged {\n      ruleId\n      serial\n      state\n      to\n    }\n  }\n"): (typeof documents)["\n  subscription AlertChanged {\n    alertChanged {\n      ruleId\n      serial\n      state\n      to\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AlertRuleFields on AlertRule {\n    id\n    name\n    where\n    parameter\n    op\n    threshold\n    clearThreshold\n    forSeconds\n    noDataSeconds\n    severity\n    enabled\n    reminderSeconds\n    notify {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment AlertRuleFields on AlertRule {\n    id\n    name\n    where\n    parameter\n    op\n    threshold\n    clearThreshold\n    forSeconds\n    noDataSeconds\n    severity\n    enabled\n    reminderSeconds\n    notify {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertRules {\n    alertRules {\n      ...AlertRuleFields\n    }\n    notificationChannels {\n      id\n      name\n      kind\n      target\n    }\n  }\n"): (typeof documents)["\n  query AlertRules {\n    alertRules {\n      ...AlertRuleFields\n    }\n    notificationChannels {\n      id\n      name\n      kind\n      target\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAlertRule($input: AlertRuleInput!) {\n    createAlertRule(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAlertRule($input: AlertRuleInput!) {\n    createAlertRule(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetAlertRuleEnabled($id: Int!, $enabled: Boolean!) {\n    setAlertRuleEnabled(id: $id, enabled: $enabled) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation SetAlertRuleEnabled($id: Int!, $enabled: Boolean!) {\n    setAlertRuleEnabled(id: $id, enabled: $enabled) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteAlertRule($id: Int!) {\n    deleteAlertRule(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteAlertRule($id: Int!) {\n    deleteAlertRule(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcknowledgeAlert($ruleId: Int!, $serial: String!, $comment: String) {\n    acknowledgeAlert(ruleId: $ruleId, serial: $serial, comment: $comment)\n  }\n"): (typeof documents)["\n  mutation AcknowledgeAlert($ruleId: Int!, $serial: String!, $comment: String) {\n    acknowledgeAlert(ruleId: $ruleId, serial: $serial, comment: $comment)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateChannel($name: String!, $kind: String!, $target: String!) {\n    createNotificationChannel(name: $name, kind: $kind, target: $target) {\n      channel {\n        id\n      }\n      secret\n    }\n  }\n"): (typeof documents)["\n  mutation CreateChannel($name: String!, $kind: String!, $target: String!) {\n    createNotificationChannel(name: $name, kind: $kind, target: $target) {\n      channel {\n        id\n      }\n      secret\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeadLetters {\n    notifications(state: \"DEAD\", limit: 100) {\n      id\n      serial\n      kind\n      attempts\n      lastError\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  query DeadLetters {\n    notifications(state: \"DEAD\", limit: 100) {\n      id\n      serial\n      kind\n      attempts\n      lastError\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryNotification($id: Int!) {\n    retryNotification(id: $id)\n  }\n"): (typeof documents)["\n  mutation RetryNotification($id: Int!) {\n    retryNotification(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeviceAlertMarks($serial: String!, $since: DateTime) {\n    device(serial: $serial) {\n      alerts(since: $since, limit: 500) {\n        ruleName\n        parameter\n        severity\n        from\n        to\n        at\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeviceAlertMarks($serial: String!, $since: DateTime) {\n    device(serial: $serial) {\n      alerts(since: $since, limit: 500) {\n        ruleName\n        parameter\n        severity\n        from\n        to\n        at\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DeviceMetaFields on Device {\n    name\n    labels {\n      key\n      value\n    }\n    groups\n  }\n"): (typeof documents)["\n  fragment DeviceMetaFields on Device {\n    name\n    labels {\n      key\n      value\n    }\n    groups\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DeviceFields on Device {\n    serial\n    online\n    lastSeen\n    createdAt\n    params\n    ...DeviceMetaFields\n  }\n"): (typeof documents)["\n  fragment DeviceFields on Device {\n    serial\n    online\n    lastSeen\n    createdAt\n    params\n    ...DeviceMetaFields\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FleetPage($where: [Condition!], $orderBy: [Order!], $offset: Int, $limit: Int) {\n    devices(where: $where, orderBy: $orderBy, offset: $offset, limit: $limit) {\n      totalCount\n      nodes {\n        ...DeviceFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query FleetPage($where: [Condition!], $orderBy: [Order!], $offset: Int, $limit: Int) {\n    devices(where: $where, orderBy: $orderBy, offset: $offset, limit: $limit) {\n      totalCount\n      nodes {\n        ...DeviceFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Catalogue {\n    parameters {\n      name\n      kind\n      label\n      unit\n      quantity\n      precision\n      scale\n      customized\n    }\n  }\n"): (typeof documents)["\n  query Catalogue {\n    parameters {\n      name\n      kind\n      label\n      unit\n      quantity\n      precision\n      scale\n      customized\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FleetUpdates($where: [Condition!]) {\n    deviceUpdates(where: $where) {\n      updates {\n        serial\n        values\n        online\n        lastSeen\n        entered\n        meta {\n          name\n          labels {\n            key\n            value\n          }\n          groups\n        }\n      }\n      left\n    }\n  }\n"): (typeof documents)["\n  subscription FleetUpdates($where: [Condition!]) {\n    deviceUpdates(where: $where) {\n      updates {\n        serial\n        values\n        online\n        lastSeen\n        entered\n        meta {\n          name\n          labels {\n            key\n            value\n          }\n          groups\n        }\n      }\n      left\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeviceDetail($serial: String!) {\n    device(serial: $serial) {\n      ...DeviceFields\n    }\n  }\n"): (typeof documents)["\n  query DeviceDetail($serial: String!) {\n    device(serial: $serial) {\n      ...DeviceFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DeviceChanges($serial: String!) {\n    deviceChanged(serial: $serial) {\n      at\n      values\n      online\n      lastSeen\n    }\n  }\n"): (typeof documents)["\n  subscription DeviceChanges($serial: String!) {\n    deviceChanged(serial: $serial) {\n      at\n      values\n      online\n      lastSeen\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeviceHistory($serial: String!, $names: [String!]!, $since: DateTime, $until: DateTime) {\n    device(serial: $serial) {\n      serial\n      histories(names: $names, since: $since, until: $until) {\n        name\n        points {\n          t\n          avg\n          min\n          max\n          count\n          value\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeviceHistory($serial: String!, $names: [String!]!, $since: DateTime, $until: DateTime) {\n    device(serial: $serial) {\n      serial\n      histories(names: $names, since: $since, until: $until) {\n        name\n        points {\n          t\n          avg\n          min\n          max\n          count\n          value\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    authRequired\n    me {\n      id\n      username\n      role\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    authRequired\n    me {\n      id\n      username\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($username: String!, $password: String!) {\n    signIn(username: $username, password: $password) {\n      id\n      username\n      role\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($username: String!, $password: String!) {\n    signIn(username: $username, password: $password) {\n      id\n      username\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOut {\n    signOut\n  }\n"): (typeof documents)["\n  mutation SignOut {\n    signOut\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($current: String!, $next: String!) {\n    changePassword(current: $current, next: $next)\n  }\n"): (typeof documents)["\n  mutation ChangePassword($current: String!, $next: String!) {\n    changePassword(current: $current, next: $next)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeviceCredentials($serial: String!) {\n    device(serial: $serial) {\n      serial\n      owner\n      tokens {\n        id\n        label\n        createdAt\n        expiresAt\n        revokedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeviceCredentials($serial: String!) {\n    device(serial: $serial) {\n      serial\n      owner\n      tokens {\n        id\n        label\n        createdAt\n        expiresAt\n        revokedAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateDeviceToken($serial: String!, $label: String, $expiresInDays: Int) {\n    createDeviceToken(serial: $serial, label: $label, expiresInDays: $expiresInDays) {\n      secret\n      token {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateDeviceToken($serial: String!, $label: String, $expiresInDays: Int) {\n    createDeviceToken(serial: $serial, label: $label, expiresInDays: $expiresInDays) {\n      secret\n      token {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeDeviceToken($id: Int!) {\n    revokeDeviceToken(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeDeviceToken($id: Int!) {\n    revokeDeviceToken(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Access($admin: Boolean!) {\n    enrollmentKeys {\n      id\n      label\n      owner\n      createdAt\n      revokedAt\n    }\n    users @include(if: $admin) {\n      id\n      username\n      role\n      disabled\n      createdAt\n    }\n    me {\n      username\n    }\n    unclaimedDevices @include(if: $admin) {\n      serial\n      lastSeen\n      online\n    }\n  }\n"): (typeof documents)["\n  query Access($admin: Boolean!) {\n    enrollmentKeys {\n      id\n      label\n      owner\n      createdAt\n      revokedAt\n    }\n    users @include(if: $admin) {\n      id\n      username\n      role\n      disabled\n      createdAt\n    }\n    me {\n      username\n    }\n    unclaimedDevices @include(if: $admin) {\n      serial\n      lastSeen\n      online\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateEnrollmentKey($label: String) {\n    createEnrollmentKey(label: $label) {\n      secret\n    }\n  }\n"): (typeof documents)["\n  mutation CreateEnrollmentKey($label: String) {\n    createEnrollmentKey(label: $label) {\n      secret\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeEnrollmentKey($id: Int!) {\n    revokeEnrollmentKey(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeEnrollmentKey($id: Int!) {\n    revokeEnrollmentKey(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssignDevice($serial: String!, $owner: String) {\n    assignDevice(serial: $serial, owner: $owner) {\n      serial\n      owner\n    }\n  }\n"): (typeof documents)["\n  mutation AssignDevice($serial: String!, $owner: String) {\n    assignDevice(serial: $serial, owner: $owner) {\n      serial\n      owner\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectDevice($serial: String!) {\n    rejectDevice(serial: $serial)\n  }\n"): (typeof documents)["\n  mutation RejectDevice($serial: String!) {\n    rejectDevice(serial: $serial)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateUser($username: String!, $password: String!, $role: Role!) {\n    createUser(username: $username, password: $password, role: $role) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateUser($username: String!, $password: String!, $role: Role!) {\n    createUser(username: $username, password: $password, role: $role) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateUser($username: String!, $role: Role, $disabled: Boolean) {\n    updateUser(username: $username, role: $role, disabled: $disabled) {\n      id\n      role\n      disabled\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateUser($username: String!, $role: Role, $disabled: Boolean) {\n    updateUser(username: $username, role: $role, disabled: $disabled) {\n      id\n      role\n      disabled\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteUser($username: String!) {\n    deleteUser(username: $username)\n  }\n"): (typeof documents)["\n  mutation DeleteUser($username: String!) {\n    deleteUser(username: $username)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssignDevices($serials: [String!]!, $owner: String) {\n    assignDevices(serials: $serials, owner: $owner)\n  }\n"): (typeof documents)["\n  mutation AssignDevices($serials: [String!]!, $owner: String) {\n    assignDevices(serials: $serials, owner: $owner)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiTokens {\n    apiTokens {\n      id\n      label\n      scopes\n      createdAt\n      expiresAt\n      revokedAt\n      lastUsedAt\n    }\n  }\n"): (typeof documents)["\n  query ApiTokens {\n    apiTokens {\n      id\n      label\n      scopes\n      createdAt\n      expiresAt\n      revokedAt\n      lastUsedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiToken($label: String, $scopes: [ApiScope!]!, $expiresInDays: Int) {\n    createApiToken(label: $label, scopes: $scopes, expiresInDays: $expiresInDays) {\n      secret\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiToken($label: String, $scopes: [ApiScope!]!, $expiresInDays: Int) {\n    createApiToken(label: $label, scopes: $scopes, expiresInDays: $expiresInDays) {\n      secret\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiToken($id: Int!) {\n    revokeApiToken(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeApiToken($id: Int!) {\n    revokeApiToken(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeviceControl($serial: String!) {\n    device(serial: $serial) {\n      serial\n      protocol\n      capabilities\n      desired\n      params\n      commands(limit: 20) {\n        cmdid\n        jobId\n        state\n        percent\n        result\n        error\n        reason\n        updatedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeviceControl($serial: String!) {\n    device(serial: $serial) {\n      serial\n      protocol\n      capabilities\n      desired\n      params\n      commands(limit: 20) {\n        cmdid\n        jobId\n        state\n        percent\n        result\n        error\n        reason\n        updatedAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DeviceCommands($serial: String!) {\n    deviceCommands(serial: $serial) {\n      cmdid\n      state\n    }\n  }\n"): (typeof documents)["\n  subscription DeviceCommands($serial: String!) {\n    deviceCommands(serial: $serial) {\n      cmdid\n      state\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendCommand($input: SendCommandInput!) {\n    sendCommand(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation SendCommand($input: SendCommandInput!) {\n    sendCommand(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetDesired($serial: String!, $values: JSON!) {\n    setDesired(serial: $serial, values: $values) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation SetDesired($serial: String!, $values: JSON!) {\n    setDesired(serial: $serial, values: $values) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobFields on Job {\n    id\n    name\n    args\n    createdAt\n    createdBy\n    canceledAt\n    counts {\n      QUEUED\n      SENT\n      DELIVERED\n      SUCCEEDED\n      FAILED\n      REJECTED\n      TIMED_OUT\n      EXPIRED\n      CANCELED\n      SKIPPED\n    }\n  }\n"): (typeof documents)["\n  fragment JobFields on Job {\n    id\n    name\n    args\n    createdAt\n    createdBy\n    canceledAt\n    counts {\n      QUEUED\n      SENT\n      DELIVERED\n      SUCCEEDED\n      FAILED\n      REJECTED\n      TIMED_OUT\n      EXPIRED\n      CANCELED\n      SKIPPED\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription JobProgress($id: ID!) {\n    jobProgress(id: $id) {\n      ...JobFields\n    }\n  }\n"): (typeof documents)["\n  subscription JobProgress($id: ID!) {\n    jobProgress(id: $id) {\n      ...JobFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query JobProblems($id: ID!) {\n    job(id: $id) {\n      id\n      executions(states: [FAILED, REJECTED, EXPIRED, SKIPPED], limit: 50) {\n        serial\n        state\n        error\n        reason\n      }\n    }\n  }\n"): (typeof documents)["\n  query JobProblems($id: ID!) {\n    job(id: $id) {\n      id\n      executions(states: [FAILED, REJECTED, EXPIRED, SKIPPED], limit: 50) {\n        serial\n        state\n        error\n        reason\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Jobs {\n    jobs(limit: 20) {\n      ...JobFields\n    }\n  }\n"): (typeof documents)["\n  query Jobs {\n    jobs(limit: 20) {\n      ...JobFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelJob($id: ID!) {\n    cancelJob(id: $id) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CancelJob($id: ID!) {\n    cancelJob(id: $id) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FleetStats($names: [String!]!, $histogram: String!, $outliers: String!) {\n    fleetStats {\n      total\n      online\n      offline\n      inAlert\n      values(names: $names) {\n        name\n        sum\n        avg\n        min\n        max\n        devices\n      }\n      histogram(name: $histogram, buckets: 12) {\n        name\n        buckets {\n          from\n          to\n          count\n        }\n      }\n      offlineLongest(limit: 8) {\n        serial\n        name\n        lastSeen\n        createdAt\n      }\n      outliers(name: $outliers, limit: 8) {\n        value\n        deviation\n        device {\n          serial\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query FleetStats($names: [String!]!, $histogram: String!, $outliers: String!) {\n    fleetStats {\n      total\n      online\n      offline\n      inAlert\n      values(names: $names) {\n        name\n        sum\n        avg\n        min\n        max\n        devices\n      }\n      histogram(name: $histogram, buckets: 12) {\n        name\n        buckets {\n          from\n          to\n          count\n        }\n      }\n      offlineLongest(limit: 8) {\n        serial\n        name\n        lastSeen\n        createdAt\n      }\n      outliers(name: $outliers, limit: 8) {\n        value\n        deviation\n        device {\n          serial\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FleetHistory($where: [Condition!], $name: String!, $agg: FleetAgg, $since: DateTime, $until: DateTime, $groupBy: String) {\n    fleetHistory(where: $where, name: $name, agg: $agg, since: $since, until: $until, groupBy: $groupBy) {\n      group\n      others\n      devices\n      points {\n        t\n        value\n        devices\n      }\n    }\n  }\n"): (typeof documents)["\n  query FleetHistory($where: [Condition!], $name: String!, $agg: FleetAgg, $since: DateTime, $until: DateTime, $groupBy: String) {\n    fleetHistory(where: $where, name: $name, agg: $agg, since: $since, until: $until, groupBy: $groupBy) {\n      group\n      others\n      devices\n      points {\n        t\n        value\n        devices\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Preference {\n    preference(key: overview)\n  }\n"): (typeof documents)["\n  query Preference {\n    preference(key: overview)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetPreference($value: JSON) {\n    setPreference(key: overview, value: $value)\n  }\n"): (typeof documents)["\n  mutation SetPreference($value: JSON) {\n    setPreference(key: overview, value: $value)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Compare($where: [Condition!], $name: String!, $since: DateTime, $until: DateTime, $limit: Int) {\n    devices(where: $where, limit: $limit) {\n      nodes {\n        serial\n        name\n        history(name: $name, since: $since, until: $until) {\n          t\n          avg\n          value\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Compare($where: [Condition!], $name: String!, $since: DateTime, $until: DateTime, $limit: Int) {\n    devices(where: $where, limit: $limit) {\n      nodes {\n        serial\n        name\n        history(name: $name, since: $since, until: $until) {\n          t\n          avg\n          value\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateDevice($serial: String!, $name: String, $labels: [LabelInput!], $groups: [String!]) {\n    updateDevice(serial: $serial, name: $name, labels: $labels, groups: $groups) {\n      serial\n      ...DeviceMetaFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateDevice($serial: String!, $name: String, $labels: [LabelInput!], $groups: [String!]) {\n    updateDevice(serial: $serial, name: $name, labels: $labels, groups: $groups) {\n      serial\n      ...DeviceMetaFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LabelDevices($where: [Condition!], $setLabels: [LabelInput!], $removeLabels: [String!], $addGroups: [String!], $removeGroups: [String!]) {\n    labelDevices(where: $where, setLabels: $setLabels, removeLabels: $removeLabels, addGroups: $addGroups, removeGroups: $removeGroups)\n  }\n"): (typeof documents)["\n  mutation LabelDevices($where: [Condition!], $setLabels: [LabelInput!], $removeLabels: [String!], $addGroups: [String!], $removeGroups: [String!]) {\n    labelDevices(where: $where, setLabels: $setLabels, removeLabels: $removeLabels, addGroups: $addGroups, removeGroups: $removeGroups)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeviceMeta($serial: String!) {\n    device(serial: $serial) {\n      serial\n      ...DeviceMetaFields\n    }\n  }\n"): (typeof documents)["\n  query DeviceMeta($serial: String!) {\n    device(serial: $serial) {\n      serial\n      ...DeviceMetaFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateParameter($name: String!, $label: String, $unit: String, $quantity: Quantity, $precision: Int, $scale: Float) {\n    updateParameter(name: $name, label: $label, unit: $unit, quantity: $quantity, precision: $precision, scale: $scale) {\n      name\n      label\n      unit\n      quantity\n      precision\n      scale\n      customized\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateParameter($name: String!, $label: String, $unit: String, $quantity: Quantity, $precision: Int, $scale: Float) {\n    updateParameter(name: $name, label: $label, unit: $unit, quantity: $quantity, precision: $precision, scale: $scale) {\n      name\n      label\n      unit\n      quantity\n      precision\n      scale\n      customized\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Releases {\n    releases {\n      id\n      name\n      version\n      kind\n      notes\n      sha256\n      size\n      publishedBy\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  query Releases {\n    releases {\n      id\n      name\n      version\n      kind\n      notes\n      sha256\n      size\n      publishedBy\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DeploymentFields on Deployment {\n    id\n    state\n    reason\n    phase\n    phases\n    healthSeconds\n    createdAt\n    finishedAt\n    createdBy\n    release {\n      id\n      name\n      version\n    }\n    counts {\n      QUEUED\n      NOTIFIED\n      DOWNLOADING\n      DOWNLOADED\n      VERIFIED\n      INSTALLING\n      RESTARTING\n      UPDATED\n      HEALTHY\n      FAILED\n      ROLLED_BACK\n      SKIPPED\n      CANCELED\n    }\n  }\n"): (typeof documents)["\n  fragment DeploymentFields on Deployment {\n    id\n    state\n    reason\n    phase\n    phases\n    healthSeconds\n    createdAt\n    finishedAt\n    createdBy\n    release {\n      id\n      name\n      version\n    }\n    counts {\n      QUEUED\n      NOTIFIED\n      DOWNLOADING\n      DOWNLOADED\n      VERIFIED\n      INSTALLING\n      RESTARTING\n      UPDATED\n      HEALTHY\n      FAILED\n      ROLLED_BACK\n      SKIPPED\n      CANCELED\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Deployments {\n    deployments(limit: 20) {\n      ...DeploymentFields\n    }\n  }\n"): (typeof documents)["\n  query Deployments {\n    deployments(limit: 20) {\n      ...DeploymentFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DeploymentProgress($id: Int!) {\n    deploymentProgress(id: $id) {\n      ...DeploymentFields\n    }\n  }\n"): (typeof documents)["\n  subscription DeploymentProgress($id: Int!) {\n    deploymentProgress(id: $id) {\n      ...DeploymentFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeploymentProblems($id: Int!) {\n    deployment(id: $id) {\n      id\n      devices(states: [FAILED, ROLLED_BACK, SKIPPED, CANCELED], limit: 50) {\n        serial\n        state\n        reason\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeploymentProblems($id: Int!) {\n    deployment(id: $id) {\n      id\n      devices(states: [FAILED, ROLLED_BACK, SKIPPED, CANCELED], limit: 50) {\n        serial\n        state\n        reason\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateDeployment($input: CreateDeploymentInput!) {\n    createDeployment(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateDeployment($input: CreateDeploymentInput!) {\n    createDeployment(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseDeployment($id: Int!) {\n    pauseDeployment(id: $id) {\n      id\n      state\n    }\n  }\n"): (typeof documents)["\n  mutation PauseDeployment($id: Int!) {\n    pauseDeployment(id: $id) {\n      id\n      state\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeDeployment($id: Int!) {\n    resumeDeployment(id: $id) {\n      id\n      state\n    }\n  }\n"): (typeof documents)["\n  mutation ResumeDeployment($id: Int!) {\n    resumeDeployment(id: $id) {\n      id\n      state\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelDeployment($id: Int!) {\n    cancelDeployment(id: $id) {\n      id\n      state\n    }\n  }\n"): (typeof documents)["\n  mutation CancelDeployment($id: Int!) {\n    cancelDeployment(id: $id) {\n      id\n      state\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeviceUpdates($serial: String!) {\n    device(serial: $serial) {\n      serial\n      softwareVersion\n      updates(limit: 10) {\n        deploymentId\n        state\n        reason\n        fromVersion\n        updatedAt\n        deployment {\n          id\n          release {\n            name\n            version\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeviceUpdates($serial: String!) {\n    device(serial: $serial) {\n      serial\n      softwareVersion\n      updates(limit: 10) {\n        deploymentId\n        state\n        reason\n        fromVersion\n        updatedAt\n        deployment {\n          id\n          release {\n            name\n            version\n          }\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;