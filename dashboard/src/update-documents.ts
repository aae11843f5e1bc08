import { graphql } from './gql/gql.ts';

// Releases, deployments and a device's update history (schema/releases.ts, schema/deployments.ts).

export const ReleasesQuery = graphql(`
  query Releases {
    releases {
      id
      name
      version
      kind
      notes
      sha256
      size
      publishedBy
      createdAt
    }
  }
`);

export const DeploymentFieldsFragment = graphql(`
  fragment DeploymentFields on Deployment {
    id
    state
    reason
    phase
    phases
    healthSeconds
    createdAt
    finishedAt
    createdBy
    release {
      id
      name
      version
    }
    counts {
      QUEUED
      NOTIFIED
      DOWNLOADING
      DOWNLOADED
      VERIFIED
      INSTALLING
      RESTARTING
      UPDATED
      HEALTHY
      FAILED
      ROLLED_BACK
      SKIPPED
      CANCELED
    }
  }
`);

export const DeploymentsQuery = graphql(`
  query Deployments {
    deployments(limit: 20) {
      ...DeploymentFields
    }
  }
`);

export const DeploymentProgressSubscription = graphql(`
  subscription DeploymentProgress($id: Int!) {
    deploymentProgress(id: $id) {
      ...DeploymentFields
    }
  }
`);

export const DeploymentProblemsQuery = graphql(`
  query DeploymentProblems($id: Int!) {
    deployment(id: $id) {
      id
      devices(states: [FAILED, ROLLED_BACK, SKIPPED, CANCELED], limit: 50) {
        serial
        state
        reason
      }
    }
  }
`);

export const CreateDeploymentMutation = graphql(`
  mutation CreateDeployment($input: CreateDeploymentInput!) {
    createDeployment(input: $input) {
      id
    }
  }
`);

export const PauseDeploymentMutation = graphql(`
  mutation PauseDeployment($id: Int!) {
    pauseDeployment(id: $id) {
      id
      state
    }
  }
`);

export const ResumeDeploymentMutation = graphql(`
  mutation ResumeDeployment($id: Int!) {
    resumeDeployment(id: $id) {
      id
      state
    }
  }
`);

export const CancelDeploymentMutation = graphql(`
  mutation CancelDeployment($id: Int!) {
    cancelDeployment(id: $id) {
      id
      state
    }
  }
`);

export const DeviceUpdatesQuery = graphql(`
  query DeviceUpdates($serial: String!) {
    device(serial: $serial) {
      serial
      softwareVersion
      updates(limit: 10) {
        deploymentId
        state
        reason
        fromVersion
        updatedAt
        deployment {
          id
          release {
            name
            version
          }
        }
      }
    }
  }
`);
