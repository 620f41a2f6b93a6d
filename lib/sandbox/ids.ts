/**
 * Fivetran-style readable identifiers (`decent_dropsy`, `smooth_bear`): two
 * words joined by `_`, drawn from a seeded generator and never reused.
 *
 * @module
 */

import type { Prng } from "./prng.ts";

const ADJECTIVES = (
  "able acid agile airy alert amber ample angry apt arctic ardent ashen astral " +
  "avid azure balmy bare basic bitter blank bleak blithe blond bold bony brash " +
  "brave breezy brief bright brisk broad bronze brown bubbly busy calm candid " +
  "canny casual cheery chief chilly civic clean clear clever cloudy coastal cobalt " +
  "cold comic cool copper coral cosmic cozy crafty crimson crisp curly dainty " +
  "damp dapper daring dark dashing dear decent deep deft dense dewy direct dizzy " +
  "dry dusky dusty eager early earnest easy elated elder empty epic equal exact " +
  "fair famous fancy fast fearless feisty fierce fine firm fluffy fond frank " +
  "free fresh frosty frugal funny fuzzy gentle giant giddy glad gleaming glossy " +
  "golden grand grateful green grim gusty handy happy hardy hasty hazy hearty " +
  "heavy hidden hollow honest humble icy ideal idle inner ivory jade jolly " +
  "jovial keen kind lanky large late lazy lean level light lilac little lively " +
  "livid lofty loud loyal lucid lucky lunar major mellow merry mighty mild minty " +
  "misty modest moody mossy muddy native neat nimble noble noisy novel oaken " +
  "odd olive opal open orange polar plain plucky polite proud quick quiet rapid " +
  "rare ready regal rich rigid ripe robust rosy round royal ruby rugged rustic " +
  "rusty sage salty sandy scarlet secret serene sharp shiny shy silent silky " +
  "silver simple sleek sleepy slim smooth snowy snug solar solid sonic sound " +
  "spare spicy spry stable steady stormy stout sunny super sweet swift tall " +
  "tame tangy tender tidy timid tiny topaz tough tranquil true trusty twin " +
  "upbeat urban usual valid vast velvet vivid warm wary wavy wild windy wise " +
  "witty woody young zany zesty"
).split(" ");

const NOUNS = (
  "acorn adder alpaca anchor antelope apple arch aspen atlas badger bagel " +
  "banjo barley basin bass beacon bear beaver beetle bell birch bison bloom " +
  "boar bobcat bonsai boulder bramble breeze brook buffalo bunny cabin cactus " +
  "camel canal canyon cardinal caribou cedar cello chamois cheetah cherry " +
  "chipmunk cider cliff clover cobra comet compass condor coral cougar coyote " +
  "crane creek cricket crow dawn delta desert dingo dolphin dove dragon dropsy " +
  "dune eagle echo egret elk ember falcon fern ferret fig finch fjord flamingo " +
  "fox frog gazelle gecko geyser glacier goose gopher granite grove gull hamster " +
  "harbor hare hawk hazel hedge heron hill hornet husky ibis iguana island ivy " +
  "jackal jaguar jay kelp kestrel kiwi koala lagoon lake lantern lark lemur " +
  "leopard lily lion llama lobster lotus lynx magpie mallard mango maple marmot " +
  "marsh meadow mink mole moose moth mountain mule narwhal newt nutmeg oak ocelot " +
  "octopus olive orca osprey otter owl oyster panda panther parrot peach pebble " +
  "pelican penguin pepper pigeon pine plover plum pond poppy prairie puffin puma " +
  "quail quartz rabbit raccoon raven reef ridge river robin rook saffron salmon " +
  "sapling seal shark shore shrew sparrow spruce squid starling stork summit " +
  "swan tapir thistle thrush tiger toad topaz toucan trout tulip tundra turtle " +
  "valley viper vole walnut walrus warbler wasp willow wolf wombat wren yak zebra"
).split(" ");

/**
 * A generator of unique two-word ids.
 *
 * @example Draw ids
 * ```ts
 * import { createIdFactory } from "./ids.ts";
 * import { createPrng } from "./prng.ts";
 * const ids = createIdFactory(createPrng(1));
 * const id = ids.next(); // e.g. "brisk_otter"
 * ```
 */
export interface IdFactory {
  /** A fresh id not handed out (or reserved) before. */
  next(): string;
  /** Mark an id as used so `next()` never returns it. */
  reserve(id: string): void;
  /** Whether an id was handed out or reserved. */
  has(id: string): boolean;
}

/**
 * Create an id factory drawing words from `rng`.
 *
 * @example Reserve well-known ids first
 * ```ts
 * import { createIdFactory } from "./ids.ts";
 * import { createPrng } from "./prng.ts";
 * const ids = createIdFactory(createPrng(7));
 * ids.reserve("rapid_harbor");
 * ```
 */
export function createIdFactory(rng: Prng): IdFactory {
  const used = new Set<string>();
  return {
    next() {
      for (let attempt = 0; attempt < 50; attempt++) {
        const id = `${rng.pick(ADJECTIVES)}_${rng.pick(NOUNS)}`;
        if (!used.has(id)) {
          used.add(id);
          return id;
        }
      }
      // The two-word space is getting crowded: add a third word.
      for (;;) {
        const id = `${rng.pick(ADJECTIVES)}_${rng.pick(ADJECTIVES)}_${rng.pick(NOUNS)}`;
        if (!used.has(id)) {
          used.add(id);
          return id;
        }
      }
    },
    reserve(id) {
      used.add(id);
    },
    has(id) {
      return used.has(id);
    },
  };
}
