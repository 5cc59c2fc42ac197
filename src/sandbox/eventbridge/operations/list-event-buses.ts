import type {Operation} from '../../protocol/context.js'
import {byName, defined, eventsStore, paginate} from './shared.js'

/** ListEventBuses: by name, filtered by `NamePrefix`, paged with `Limit`/`NextToken`. */
export const listEventBuses: Operation = (input, ctx) => {
  const prefix = (input['NamePrefix'] as string | undefined) ?? ''
  const buses = byName(eventsStore(ctx).buses.values()).filter((bus) => bus.Name.startsWith(prefix))
  const {page, NextToken} = paginate(buses, input)
  return defined({
    EventBuses: page.map((bus) =>
      defined({
        Name: bus.Name,
        Arn: bus.Arn,
        Description: bus.Description,
        CreationTime: bus.CreationTime,
        LastModifiedTime: bus.LastModifiedTime,
      }),
    ),
    NextToken,
  })
}
