import { builder } from './builder.ts';

// Every field of a root type needs the type's scope unless it says otherwise (skipTypeScopes): a new field
// is closed by default.
builder.queryType({ description: 'Reads the live state of the fleet.', authScopes: { read: true } });
builder.subscriptionType({ description: 'Live changes, over graphql-ws at /graphql.', authScopes: { read: true } });
builder.mutationType({ description: 'Sign-in, accounts, ownership and device credentials.', authScopes: { write: true } });
