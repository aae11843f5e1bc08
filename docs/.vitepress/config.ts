import { defineConfig } from 'vitepress';

// The documentation site: `npm run docs:build` writes it to docs/.vitepress/dist, which the server
// serves at /docs/ (offline: no fonts, scripts or search from elsewhere).
export default defineConfig({
  title: 'SMART-OS',
  description: 'Real-time observer and controller for fleets of remote devices',
  base: '/docs/',
  cleanUrls: false,
  lastUpdated: false,
  srcExclude: ['deploy/**'],
  themeConfig: {
    search: { provider: 'local' },
    nav: [
      { text: 'Guide', link: '/getting-started' },
      { text: 'GraphQL', link: '/reference/graphql' },
      { text: 'Agent API', link: '/reference/agent-api' },
      { text: 'Dashboard', link: '/../' },
    ],
    sidebar: [
      {
        text: 'Using SMART-OS',
        items: [
          { text: 'Getting started', link: '/getting-started' },
          { text: 'Dashboard', link: '/dashboard' },
          { text: 'Accounts and devices', link: '/accounts' },
          { text: 'Querying', link: '/querying' },
          { text: 'History and export', link: '/history' },
          { text: 'Fleet overview', link: '/fleet' },
          { text: 'Remote control', link: '/commands' },
          { text: 'Alerts', link: '/alerts' },
        ],
      },
      {
        text: 'Devices',
        items: [
          { text: 'Device protocol', link: '/device-protocol' },
          { text: 'Agent library and emulator', link: '/agent' },
          { text: 'Releases from CI', link: '/releases' },
        ],
      },
      {
        text: 'Operating',
        items: [
          { text: 'Deploying', link: '/deploy' },
          { text: 'Storage', link: '/storage' },
          { text: 'Architecture', link: '/architecture' },
          { text: 'Benchmarks', link: '/benchmarks' },
        ],
      },
      {
        text: 'Reference',
        items: [
          { text: 'GraphQL', link: '/reference/graphql' },
          { text: 'Agent library API', link: '/reference/agent-api' },
        ],
      },
    ],
  },
});
