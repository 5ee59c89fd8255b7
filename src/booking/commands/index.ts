/** The booking commands, one verb per file: what the bot's booking edge and the tab call. */
export { type Actor, type BookingCommandDeps, type TalkRef } from './actor.js';
export { acceptTalk } from './accept.js';
export { acceptProposal } from './accept-proposal.js';
export { cancelTalk } from './cancel.js';
export { declineTalk } from './decline.js';
export { proposeTime, type ProposeInput } from './propose.js';
export { requestTalk, type RequestInput } from './request.js';
export { suggestTimes, type SuggestInput, type Suggestions } from './suggest.js';
