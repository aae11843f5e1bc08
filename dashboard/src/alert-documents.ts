import { graphql } from './gql/gql.ts';

export const AlertFieldsFragment = graphql(`
  fragment AlertFields on Alert {
    serial
    state
    severity
    since
    value
    firedAt
    acknowledgedBy
    acknowledgedAt
    comment
    rule {
      id
      name
      parameter
    }
  }
`);

export const AlertsQuery = graphql(`
  query Alerts($state: AlertState, $severity: AlertSeverity, $ruleId: Int) {
    alerts(state: $state, severity: $severity, ruleId: $ruleId, limit: 500) {
      ...AlertFields
    }
  }
`);

export const FiringCountQuery = graphql(`
  query FiringCount {
    alerts(state: FIRING, limit: 500) {
      serial
    }
  }
`);

export const AlertChangedSubscription = graphql(`
  subscription AlertChanged {
    alertChanged {
      ruleId
      serial
      state
      to
    }
  }
`);

export const AlertRuleFieldsFragment = graphql(`
  fragment AlertRuleFields on AlertRule {
    id
    name
    where
    parameter
    op
    threshold
    clearThreshold
    forSeconds
    noDataSeconds
    severity
    enabled
    reminderSeconds
    notify {
      id
      name
    }
  }
`);

export const AlertRulesQuery = graphql(`
  query AlertRules {
    alertRules {
      ...AlertRuleFields
    }
    notificationChannels {
      id
      name
      kind
      target
    }
  }
`);

export const CreateAlertRuleMutation = graphql(`
  mutation CreateAlertRule($input: AlertRuleInput!) {
    createAlertRule(input: $input) {
      id
    }
  }
`);

export const SetAlertRuleEnabledMutation = graphql(`
  mutation SetAlertRuleEnabled($id: Int!, $enabled: Boolean!) {
    setAlertRuleEnabled(id: $id, enabled: $enabled) {
      id
    }
  }
`);

export const DeleteAlertRuleMutation = graphql(`
  mutation DeleteAlertRule($id: Int!) {
    deleteAlertRule(id: $id)
  }
`);

export const AcknowledgeAlertMutation = graphql(`
  mutation AcknowledgeAlert($ruleId: Int!, $serial: String!, $comment: String) {
    acknowledgeAlert(ruleId: $ruleId, serial: $serial, comment: $comment)
  }
`);

export const CreateChannelMutation = graphql(`
  mutation CreateChannel($name: String!, $kind: String!, $target: String!) {
    createNotificationChannel(name: $name, kind: $kind, target: $target) {
      channel {
        id
      }
      secret
    }
  }
`);

export const DeadLettersQuery = graphql(`
  query DeadLetters {
    notifications(state: "DEAD", limit: 100) {
      id
      serial
      kind
      attempts
      lastError
      createdAt
    }
  }
`);

export const RetryNotificationMutation = graphql(`
  mutation RetryNotification($id: Int!) {
    retryNotification(id: $id)
  }
`);

export const DeviceAlertMarksQuery = graphql(`
  query DeviceAlertMarks($serial: String!, $since: DateTime) {
    device(serial: $serial) {
      alerts(since: $since, limit: 500) {
        ruleName
        parameter
        severity
        from
        to
        at
      }
    }
  }
`);
