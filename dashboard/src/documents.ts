import { graphql } from './gql/gql.ts';

export const FleetPageQuery = graphql(`
  query FleetPage($where: [Condition!], $orderBy: [Order!], $offset: Int, $limit: Int) {
    devices(where: $where, orderBy: $orderBy, offset: $offset, limit: $limit) {
      totalCount
      nodes {
        serial
        online
        lastSeen
        createdAt
        params
      }
    }
  }
`);

export const CatalogueQuery = graphql(`
  query Catalogue {
    parameters {
      name
      kind
    }
  }
`);

export const FleetUpdatesSubscription = graphql(`
  subscription FleetUpdates($where: [Condition!]) {
    deviceUpdates(where: $where) {
      updates {
        serial
        values
        online
        lastSeen
        entered
      }
      left
    }
  }
`);

export const DeviceDetailQuery = graphql(`
  query DeviceDetail($serial: String!) {
    device(serial: $serial) {
      serial
      online
      lastSeen
      createdAt
      params
    }
  }
`);

export const DeviceChangesSubscription = graphql(`
  subscription DeviceChanges($serial: String!) {
    deviceChanged(serial: $serial) {
      at
      values
      online
      lastSeen
    }
  }
`);

export const DeviceHistoryQuery = graphql(`
  query DeviceHistory($serial: String!, $names: [String!]!, $since: DateTime, $until: DateTime) {
    device(serial: $serial) {
      serial
      histories(names: $names, since: $since, until: $until) {
        name
        points {
          t
          avg
          min
          max
          count
          value
        }
      }
    }
  }
`);

export const MeQuery = graphql(`
  query Me {
    authRequired
    me {
      id
      username
      role
    }
  }
`);

export const SignInMutation = graphql(`
  mutation SignIn($username: String!, $password: String!) {
    signIn(username: $username, password: $password) {
      id
      username
      role
    }
  }
`);

export const SignOutMutation = graphql(`
  mutation SignOut {
    signOut
  }
`);

export const ChangePasswordMutation = graphql(`
  mutation ChangePassword($current: String!, $next: String!) {
    changePassword(current: $current, next: $next)
  }
`);
