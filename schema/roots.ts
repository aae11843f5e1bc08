import { builder } from './builder.ts';

builder.queryType({ description: 'Reads the live state of the fleet.' });
builder.subscriptionType({ description: 'Live changes, over graphql-ws at /graphql.' });
builder.mutationType({ description: 'Sign-in, accounts, ownership and device credentials.' });
