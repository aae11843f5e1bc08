import { graphql } from './gql/gql.ts';

/** What its owner says of a device: its name, labels and groups. */
export const DeviceMetaFieldsFragment = graphql(`
  fragment DeviceMetaFields on Device {
    name
    labels {
      key
      value
    }
    groups
  }
`);

/** What the table and the panel show of a device. */
export const DeviceFieldsFragment = graphql(`
  fragment DeviceFields on Device {
    serial
    online
    lastSeen
    createdAt
    params
    ...DeviceMetaFields
  }
`);

export const FleetPageQuery = graphql(`
  query FleetPage($where: [Condition!], $orderBy: [Order!], $offset: Int, $limit: Int) {
    devices(where: $where, orderBy: $orderBy, offset: $offset, limit: $limit) {
      totalCount
      nodes {
        ...DeviceFields
      }
    }
  }
`);

export const CatalogueQuery = graphql(`
  query Catalogue {
    parameters {
      name
      kind
      label
      unit
      quantity
      precision
      scale
      customized
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
        meta {
          name
          labels {
            key
            value
          }
          groups
        }
      }
      left
    }
  }
`);

export const DeviceDetailQuery = graphql(`
  query DeviceDetail($serial: String!) {
    device(serial: $serial) {
      ...DeviceFields
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

export const DeviceCredentialsQuery = graphql(`
  query DeviceCredentials($serial: String!) {
    device(serial: $serial) {
      serial
      owner
      tokens {
        id
        label
        createdAt
        expiresAt
        revokedAt
      }
    }
  }
`);

export const CreateDeviceTokenMutation = graphql(`
  mutation CreateDeviceToken($serial: String!, $label: String, $expiresInDays: Int) {
    createDeviceToken(serial: $serial, label: $label, expiresInDays: $expiresInDays) {
      secret
      token {
        id
      }
    }
  }
`);

export const RevokeDeviceTokenMutation = graphql(`
  mutation RevokeDeviceToken($id: Int!) {
    revokeDeviceToken(id: $id)
  }
`);

export const AccessQuery = graphql(`
  query Access($admin: Boolean!) {
    enrollmentKeys {
      id
      label
      owner
      createdAt
      revokedAt
    }
    users @include(if: $admin) {
      id
      username
      role
      disabled
      createdAt
    }
    me {
      username
    }
    unclaimedDevices @include(if: $admin) {
      serial
      lastSeen
      online
    }
  }
`);

export const CreateEnrollmentKeyMutation = graphql(`
  mutation CreateEnrollmentKey($label: String) {
    createEnrollmentKey(label: $label) {
      secret
    }
  }
`);

export const RevokeEnrollmentKeyMutation = graphql(`
  mutation RevokeEnrollmentKey($id: Int!) {
    revokeEnrollmentKey(id: $id)
  }
`);

export const AssignDeviceMutation = graphql(`
  mutation AssignDevice($serial: String!, $owner: String) {
    assignDevice(serial: $serial, owner: $owner) {
      serial
      owner
    }
  }
`);

export const RejectDeviceMutation = graphql(`
  mutation RejectDevice($serial: String!) {
    rejectDevice(serial: $serial)
  }
`);

export const CreateUserMutation = graphql(`
  mutation CreateUser($username: String!, $password: String!, $role: Role!) {
    createUser(username: $username, password: $password, role: $role) {
      id
    }
  }
`);

export const UpdateUserMutation = graphql(`
  mutation UpdateUser($username: String!, $role: Role, $disabled: Boolean) {
    updateUser(username: $username, role: $role, disabled: $disabled) {
      id
      role
      disabled
    }
  }
`);

export const DeleteUserMutation = graphql(`
  mutation DeleteUser($username: String!) {
    deleteUser(username: $username)
  }
`);

export const AssignDevicesMutation = graphql(`
  mutation AssignDevices($serials: [String!]!, $owner: String) {
    assignDevices(serials: $serials, owner: $owner)
  }
`);

export const ApiTokensQuery = graphql(`
  query ApiTokens {
    apiTokens {
      id
      label
      scopes
      createdAt
      expiresAt
      revokedAt
      lastUsedAt
    }
  }
`);

export const CreateApiTokenMutation = graphql(`
  mutation CreateApiToken($label: String, $scopes: [ApiScope!]!, $expiresInDays: Int) {
    createApiToken(label: $label, scopes: $scopes, expiresInDays: $expiresInDays) {
      secret
    }
  }
`);

export const RevokeApiTokenMutation = graphql(`
  mutation RevokeApiToken($id: Int!) {
    revokeApiToken(id: $id)
  }
`);

export const DeviceControlQuery = graphql(`
  query DeviceControl($serial: String!) {
    device(serial: $serial) {
      serial
      protocol
      capabilities
      desired
      params
      commands(limit: 20) {
        cmdid
        jobId
        state
        percent
        result
        error
        reason
        updatedAt
      }
    }
  }
`);

export const DeviceCommandsSubscription = graphql(`
  subscription DeviceCommands($serial: String!) {
    deviceCommands(serial: $serial) {
      cmdid
      state
    }
  }
`);

export const SendCommandMutation = graphql(`
  mutation SendCommand($input: SendCommandInput!) {
    sendCommand(input: $input) {
      id
    }
  }
`);

export const SetDesiredMutation = graphql(`
  mutation SetDesired($serial: String!, $values: JSON!) {
    setDesired(serial: $serial, values: $values) {
      id
    }
  }
`);

export const JobFieldsFragment = graphql(`
  fragment JobFields on Job {
    id
    name
    args
    createdAt
    createdBy
    canceledAt
    counts {
      QUEUED
      SENT
      DELIVERED
      SUCCEEDED
      FAILED
      REJECTED
      TIMED_OUT
      EXPIRED
      CANCELED
      SKIPPED
    }
  }
`);

export const JobProgressSubscription = graphql(`
  subscription JobProgress($id: ID!) {
    jobProgress(id: $id) {
      ...JobFields
    }
  }
`);

export const JobProblemsQuery = graphql(`
  query JobProblems($id: ID!) {
    job(id: $id) {
      id
      executions(states: [FAILED, REJECTED, EXPIRED, SKIPPED], limit: 50) {
        serial
        state
        error
        reason
      }
    }
  }
`);

export const JobsQuery = graphql(`
  query Jobs {
    jobs(limit: 20) {
      ...JobFields
    }
  }
`);

export const CancelJobMutation = graphql(`
  mutation CancelJob($id: ID!) {
    cancelJob(id: $id) {
      id
    }
  }
`);
