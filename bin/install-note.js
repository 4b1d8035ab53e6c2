// After `npm install`: one line saying that the Node npm ran on is not the one dims runs on, when they differ.
// Every npm script runs on the Node 24 the `node` dev dependency installs (node_modules/.bin comes first on
// the scripts' PATH); every dependency admits the installing Node too, so npm has no engine to warn about.
const agent = process.env.npm_config_user_agent ?? '';
const installing = /node\/v(\d+)\.\d+\.\d+/.exec(agent);
if (installing && Number(installing[1]) < 22) {
  console.log(
    `dims: npm ran on Node v${agent.match(/node\/v([\d.]+)/)[1]}; every dims script runs on the pinned Node ${process.versions.node} installed beside it (node_modules/.bin/node).`,
  );
}
