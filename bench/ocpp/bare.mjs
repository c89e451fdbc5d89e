// The ceiling: an ocpp-rpc server that accepts everyone and answers without doing anything.
import ocppRpc from 'ocpp-rpc';

const server = new ocppRpc.RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
server.auth((accept) => accept({}, 'ocpp1.6'));
server.on('client', (client) => client.handle('StatusNotification', async () => ({})));
const http = await server.listen(0, '127.0.0.1');
console.log(`listening ${http.address().port}`);
