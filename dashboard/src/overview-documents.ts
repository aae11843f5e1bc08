import { graphql } from './gql/gql.ts';

/** The overview's now-values: counts, pinned parameters, one distribution, who needs attention. */
export const FleetStatsQuery = graphql(`
  query FleetStats($names: [String!]!, $histogram: String!, $outliers: String!) {
    fleetStats {
      total
      online
      offline
      inAlert
      values(names: $names) {
        name
        sum
        avg
        min
        max
        devices
      }
      histogram(name: $histogram, buckets: 12) {
        name
        buckets {
          from
          to
          count
        }
      }
      offlineLongest(limit: 8) {
        serial
        name
        lastSeen
        createdAt
      }
      outliers(name: $outliers, limit: 8) {
        value
        deviation
        device {
          serial
          name
        }
      }
    }
  }
`);

export const FleetHistoryQuery = graphql(`
  query FleetHistory($where: [Condition!], $name: String!, $agg: FleetAgg, $since: DateTime, $until: DateTime, $groupBy: String) {
    fleetHistory(where: $where, name: $name, agg: $agg, since: $since, until: $until, groupBy: $groupBy) {
      group
      others
      devices
      points {
        t
        value
        devices
      }
    }
  }
`);

export const PreferenceQuery = graphql(`
  query Preference {
    preference(key: overview)
  }
`);

export const SetPreferenceMutation = graphql(`
  mutation SetPreference($value: JSON) {
    setPreference(key: overview, value: $value)
  }
`);

export const CompareQuery = graphql(`
  query Compare($where: [Condition!], $name: String!, $since: DateTime, $until: DateTime, $limit: Int) {
    devices(where: $where, limit: $limit) {
      nodes {
        serial
        name
        history(name: $name, since: $since, until: $until) {
          t
          avg
          value
        }
      }
    }
  }
`);

export const UpdateDeviceMutation = graphql(`
  mutation UpdateDevice($serial: String!, $name: String, $labels: [LabelInput!], $groups: [String!]) {
    updateDevice(serial: $serial, name: $name, labels: $labels, groups: $groups) {
      serial
      ...DeviceMetaFields
    }
  }
`);

export const LabelDevicesMutation = graphql(`
  mutation LabelDevices($where: [Condition!], $setLabels: [LabelInput!], $removeLabels: [String!], $addGroups: [String!], $removeGroups: [String!]) {
    labelDevices(where: $where, setLabels: $setLabels, removeLabels: $removeLabels, addGroups: $addGroups, removeGroups: $removeGroups)
  }
`);

export const DeviceMetaQuery = graphql(`
  query DeviceMeta($serial: String!) {
    device(serial: $serial) {
      serial
      ...DeviceMetaFields
    }
  }
`);

export const UpdateParameterMutation = graphql(`
  mutation UpdateParameter($name: String!, $label: String, $unit: String, $quantity: Quantity, $precision: Int, $scale: Float) {
    updateParameter(name: $name, label: $label, unit: $unit, quantity: $quantity, precision: $precision, scale: $scale) {
      name
      label
      unit
      quantity
      precision
      scale
      customized
    }
  }
`);
